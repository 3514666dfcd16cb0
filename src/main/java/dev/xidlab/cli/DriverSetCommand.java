package dev.xidlab.cli;

import dev.xidlab.device.Device;
import dev.xidlab.protocol.ApplyMode;
import dev.xidlab.protocol.DriverConfig;
import dev.xidlab.protocol.GuardFlag;
import dev.xidlab.protocol.Labels;
import dev.xidlab.protocol.NtStatus;
import dev.xidlab.protocol.Operation;
import dev.xidlab.protocol.RegistrationFlag;
import dev.xidlab.protocol.SetConfigResult;
import dev.xidlab.protocol.XidMode;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code xidlab driver set}: changes the configuration. Everything is parsed and checked before the device is
 * asked, and the driver checks it again before it changes anything, so a bad value changes nothing.
 */
@Command(name = "set", mixinStandardHelpOptions = true,
        description = {"Change the configuration. Xid mode, guard and self-test apply at once; registration flags"
                + " are fixed at FltRegisterFilter time, so they are saved for the next load (use --reload to"
                + " unload and load the filter now)."},
        footer = ExitCode.FOOTER)
public final class DriverSetCommand implements Callable<Integer> {

    @CommandLine.Mixin
    DeviceOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--mode", paramLabel = "MODE", description = "Xid mode: off, lookup, requestor, cached.")
    String mode;

    @Option(names = "--skip", paramLabel = "FLAGS",
            description = "Registration flags for every operation: skip-paging-io, skip-cached-io,"
                    + " skip-non-dasd-io, comma-separated, or none.")
    String skipAll;

    @Option(names = "--skip-for", paramLabel = "OP=FLAGS",
            description = "Registration flags for one operation (create, read, write), e.g. read=skip-paging-io."
                    + " Repeatable; applied after --skip.")
    List<String> skipFor = List.of();

    @Option(names = "--guard", paramLabel = "FLAGS", description = "Guard: nesting, low-stack, comma-separated,"
            + " or none.")
    String guard;

    @Option(names = "--guard-stack", paramLabel = "BYTES",
            description = "Remaining-stack threshold for the low-stack guard (1024..20480).")
    Integer guardStack;

    @Option(names = "--self-test", paramLabel = "on|off", description = "The self-test re-entry trigger.")
    String selfTest;

    @Option(names = "--reload", description = "Reload the filter now when the new flags need it.")
    boolean reload;

    @Option(names = "--experimental-live-reregister",
            description = "EXPERIMENTAL, undocumented by Microsoft: unregister and register the filter again in"
                    + " place instead of a reload. Reports the NTSTATUS it got.")
    boolean liveReregister;

    /** What the command did, for --json. */
    public record Outcome(DriverConfig config, SetConfigResult result, boolean reloaded) {
    }

    @Override
    public Integer call() {
        if (reload && liveReregister) {
            throw new CliException(ExitCode.USAGE, "--reload and --experimental-live-reregister exclude each other");
        }
        try (Device device = options.open()) {
            DriverConfig config = changed(device.config());
            SetConfigResult result = device.setConfig(config,
                    liveReregister ? ApplyMode.LIVE_REREGISTER : ApplyMode.NEXT_LOAD);
            boolean reloaded = false;
            if (reload && result.reloadRequired()) {
                device.reload();
                reloaded = true;
            }
            print(new Outcome(device.config(), result, reloaded));
            return ExitCode.OK;
        }
    }

    private DriverConfig changed(DriverConfig config) {
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
                throw new CliException(ExitCode.USAGE, "--skip-for takes OP=FLAGS, not '" + entry + "'");
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
                throw new CliException(ExitCode.USAGE, "--self-test takes on or off, not '" + selfTest + "'");
            }
            next = next.withSelfTest(selfTest.equalsIgnoreCase("on"));
        }
        return next;
    }

    private void print(Outcome outcome) {
        PrintWriter out = spec.commandLine().getOut();
        if (options.json) {
            JsonOutput.print(out, outcome);
            return;
        }
        ConfigText.print(out, outcome.config());
        SetConfigResult result = outcome.result();
        out.println(result.saved() ? "saved to the service key" : "NOT saved");
        if (liveReregister) {
            out.println("live re-registration (experimental): " + NtStatus.describe(result.reregisterStatus()));
        }
        if (outcome.reloaded()) {
            out.println("filter reloaded: the new registration flags are active");
        } else if (result.reloadRequired()) {
            out.println("registration flags take effect at the next load (xidlab driver reload)");
        }
    }
}
