package dev.xidlab.protocol;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * XF_CONFIG: what the driver does. Registration flags take effect at the next load of the filter; Xid mode,
 * guard and self-test at once.
 */
public record DriverConfig(
        XidMode xidMode,
        Set<GuardFlag> guard,
        int guardStackThreshold,
        boolean selfTest,
        Map<Operation, Set<RegistrationFlag>> registration) {

    public DriverConfig {
        if (xidMode == null) {
            throw new IllegalArgumentException("xid mode is required");
        }
        guard = Collections.unmodifiableSet(guard == null || guard.isEmpty()
                ? EnumSet.noneOf(GuardFlag.class) : EnumSet.copyOf(guard));
        EnumMap<Operation, Set<RegistrationFlag>> flags = new EnumMap<>(Operation.class);
        for (Operation op : Operation.values()) {
            Set<RegistrationFlag> given = registration == null ? null : registration.get(op);
            flags.put(op, Collections.unmodifiableSet(given == null || given.isEmpty()
                    ? EnumSet.noneOf(RegistrationFlag.class) : EnumSet.copyOf(given)));
        }
        registration = Collections.unmodifiableMap(flags);
        boolean lowStack = guard.contains(GuardFlag.LOW_STACK);
        if ((lowStack || guardStackThreshold != 0)
                && (guardStackThreshold < Wire.GUARD_STACK_MIN || guardStackThreshold > Wire.GUARD_STACK_MAX)) {
            throw new IllegalArgumentException("guard stack threshold must be " + Wire.GUARD_STACK_MIN + ".."
                    + Wire.GUARD_STACK_MAX + " bytes" + (lowStack ? " with the low-stack guard" : " or 0")
                    + ", not " + guardStackThreshold);
        }
    }

    /** The field configuration: lookup on every callback, no skip flags, no guard, no self-test. */
    public static DriverConfig fieldDefault() {
        return new DriverConfig(XidMode.LOOKUP, Set.of(), 0, false, Map.of());
    }

    public DriverConfig withXidMode(XidMode mode) {
        return new DriverConfig(mode, guard, guardStackThreshold, selfTest, registration);
    }

    public DriverConfig withGuard(Set<GuardFlag> flags, int stackThreshold) {
        return new DriverConfig(xidMode, flags, stackThreshold, selfTest, registration);
    }

    public DriverConfig withSelfTest(boolean on) {
        return new DriverConfig(xidMode, guard, guardStackThreshold, on, registration);
    }

    public DriverConfig withRegistration(Operation operation, Set<RegistrationFlag> flags) {
        EnumMap<Operation, Set<RegistrationFlag>> changed = new EnumMap<>(registration);
        changed.put(operation, flags);
        return new DriverConfig(xidMode, guard, guardStackThreshold, selfTest, changed);
    }

    public DriverConfig withRegistrationForAll(Set<RegistrationFlag> flags) {
        EnumMap<Operation, Set<RegistrationFlag>> changed = new EnumMap<>(Operation.class);
        for (Operation op : Operation.values()) {
            changed.put(op, flags);
        }
        return new DriverConfig(xidMode, guard, guardStackThreshold, selfTest, changed);
    }

    public byte[] encode() {
        WireWriter w = new WireWriter(Wire.CONFIG)
                .u32("XidMode", xidMode.wireValue())
                .u32("GuardFlags", FlagBits.toBits(guard))
                .u32("GuardStackThreshold", guardStackThreshold)
                .u32("SelfTest", selfTest ? 1 : 0);
        for (Operation op : Operation.values()) {
            w.u32("OperationFlags", op.wireValue(), FlagBits.toBits(registration.get(op)));
        }
        return w.bytes();
    }

    public static DriverConfig decode(byte[] bytes) {
        WireReader r = new WireReader(Wire.CONFIG, bytes);
        EnumMap<Operation, Set<RegistrationFlag>> flags = new EnumMap<>(Operation.class);
        for (Operation op : Operation.values()) {
            flags.put(op, FlagBits.fromBits(RegistrationFlag.class, r.u32("OperationFlags", op.wireValue()),
                    r.where("OperationFlags[" + op.wireValue() + "]")));
        }
        int selfTest = r.u32("SelfTest");
        if (selfTest != 0 && selfTest != 1) {
            throw new WireFormatException(r.where("SelfTest") + ": " + Integer.toUnsignedString(selfTest)
                    + ", expected 0 or 1");
        }
        try {
            return new DriverConfig(
                    FlagBits.fromValue(XidMode.class, r.u32("XidMode"), r.where("XidMode")),
                    FlagBits.fromBits(GuardFlag.class, r.u32("GuardFlags"), r.where("GuardFlags")),
                    r.u32("GuardStackThreshold"), selfTest == 1, flags);
        } catch (IllegalArgumentException e) {
            throw new WireFormatException("XF_CONFIG: " + e.getMessage());
        }
    }
}
