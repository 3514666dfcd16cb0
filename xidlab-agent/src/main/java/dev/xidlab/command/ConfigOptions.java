package dev.xidlab.command;

import dev.xidlab.protocol.DriverConfig;
import dev.xidlab.protocol.GuardFlag;
import dev.xidlab.protocol.Labels;
import dev.xidlab.protocol.Operation;
import dev.xidlab.protocol.RegistrationFlag;
import dev.xidlab.protocol.XidMode;
import java.util.List;
import picocli.CommandLine.Option;

/** The options that change a driver configuration, shared by every command that takes one. */
public final class ConfigOptions {

    @Option(names = "--mode", paramLabel = "MODE", description = "Xid mode: off, lookup, requestor, cached.")
    public String mode;

    @Option(names = "--skip", paramLabel = "FLAGS",
            description = "Registration flags for every operation: skip-paging-io, skip-cached-io,"
                    + " skip-non-dasd-io, comma-separated, or none.")
    public String skipAll;

    @Option(names = "--skip-for", paramLabel = "OP=FLAGS",
            description = "Registration flags for one operation (create, read, write), e.g. read=skip-paging-io."
                    + " Repeatable; applied after --skip.")
    public List<String> skipFor = List.of();

    @Option(names = "--guard", paramLabel = "FLAGS", description = "Guard: nesting, low-stack, comma-separated,"
            + " or none.")
    public String guard;

    @Option(names = "--guard-stack", paramLabel = "BYTES",
            description = "Remaining-stack threshold for the low-stack guard (1024..20480).")
    public Integer guardStack;

    @Option(names = "--self-test", paramLabel = "on|off", description = "The self-test re-entry trigger.")
    public String selfTest;

    /** Whether no option was given (the configuration stays as it is). */
    public boolean changesNothing() {
        return mode == null && skipAll == null && skipFor.isEmpty() && guard == null && guardStack == null
                && selfTest == null;
    }

    /**
     * The given configuration with these options applied.
     *
     * @throws CommandError (usage) for a value that does not parse or is out of range
     */
    public DriverConfig applyTo(DriverConfig config) {
        try {
            return apply(config);
        } catch (IllegalArgumentException e) {
            throw new CommandError.Usage(e.getMessage());
        }
    }

    private DriverConfig apply(DriverConfig config) {
        DriverConfig next = config;
        if (mode != null) {
            next = next.withXidMode(Labels.parse(XidMode.class, mode, "Xid mode"));
        }
        if (skipAll != null) {
            next = next.withRegistrationForAll(Labels.parseSet(RegistrationFlag.class, skipAll, "registration flag"));
        }
        for (String entry : skipFor) {
            int eq = entry.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("--skip-for takes OP=FLAGS, not '" + entry + "'");
            }
            next = next.withRegistration(Labels.parse(Operation.class, entry.substring(0, eq), "operation"),
                    Labels.parseSet(RegistrationFlag.class, entry.substring(eq + 1), "registration flag"));
        }
        if (guard != null || guardStack != null) {
            next = next.withGuard(guard == null ? next.guard() : Labels.parseSet(GuardFlag.class, guard, "guard"),
                    guardStack == null ? next.guardStackThreshold() : guardStack);
        }
        if (selfTest != null) {
            if (!selfTest.equalsIgnoreCase("on") && !selfTest.equalsIgnoreCase("off")) {
                throw new IllegalArgumentException("--self-test takes on or off, not '" + selfTest + "'");
            }
            next = next.withSelfTest(selfTest.equalsIgnoreCase("on"));
        }
        return next;
    }
}
