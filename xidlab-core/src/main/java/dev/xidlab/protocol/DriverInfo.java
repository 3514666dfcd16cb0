package dev.xidlab.protocol;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** XF_INFO: versions, build and registration state of the loaded driver. */
public record DriverInfo(
        int protocolVersion,
        int driverVersion,
        BuildFlavor buildFlavor,
        Set<DriverState> state,
        Map<Operation, Set<RegistrationFlag>> activeRegistration,
        Map<Operation, Set<RegistrationFlag>> savedRegistration,
        long loadCount,
        int registerStatus) {

    public DriverInfo {
        state = Collections.unmodifiableSet(state.isEmpty()
                ? EnumSet.noneOf(DriverState.class) : EnumSet.copyOf(state));
        activeRegistration = Map.copyOf(activeRegistration);
        savedRegistration = Map.copyOf(savedRegistration);
    }

    public String driverVersionText() {
        return (driverVersion >>> 16) + "." + ((driverVersion >>> 8) & 0xFF) + "." + (driverVersion & 0xFF);
    }

    public boolean reloadPending() {
        return state.contains(DriverState.RELOAD_PENDING);
    }

    public static DriverInfo decode(byte[] bytes) {
        WireReader r = new WireReader(Wire.INFO, bytes);
        int protocol = r.u32("ProtocolVersion");
        if (protocol != Wire.PROTOCOL_VERSION) {
            throw new WireFormatException("XF_INFO: driver speaks protocol " + Integer.toUnsignedString(protocol)
                    + ", this controller speaks " + Wire.PROTOCOL_VERSION);
        }
        return new DriverInfo(protocol, r.u32("DriverVersion"),
                FlagBits.fromValue(BuildFlavor.class, r.u32("BuildFlavor"), r.where("BuildFlavor")),
                FlagBits.fromBits(DriverState.class, r.u32("StateFlags"), r.where("StateFlags")),
                operationFlags(r, "ActiveOperationFlags"), operationFlags(r, "SavedOperationFlags"),
                Integer.toUnsignedLong(r.u32("LoadCount")), r.u32("RegisterStatus"));
    }

    private static Map<Operation, Set<RegistrationFlag>> operationFlags(WireReader r, String field) {
        EnumMap<Operation, Set<RegistrationFlag>> flags = new EnumMap<>(Operation.class);
        for (Operation op : Operation.values()) {
            flags.put(op, FlagBits.fromBits(RegistrationFlag.class, r.u32(field, op.wireValue()),
                    r.where(field + "[" + op.wireValue() + "]")));
        }
        return flags;
    }
}
