package dev.xidlab.cli;

import dev.xidlab.command.CommandError;
import dev.xidlab.command.ConfigOptions;
import dev.xidlab.device.Device;
import dev.xidlab.protocol.ApplyMode;
import dev.xidlab.protocol.DriverConfig;
import dev.xidlab.protocol.NtStatus;
import dev.xidlab.protocol.SetConfigResult;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code xidlab driver set}: changes the configuration. Everything is parsed and checked before the device is
 * asked, and the driver checks it again before it changes anything, so a bad value changes nothing.
 */
@Command(name = "set",
        description = {"Change the configuration. Xid mode, guard and self-test apply at once; registration flags"
                + " are fixed at FltRegisterFilter time, so they are saved for the next load (use --reload to"
                + " unload and load the filter now)."})
public final class DriverSetCommand extends DeviceCommand {

    @CommandLine.Mixin
    ConfigOptions changes;

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
    String freshMachineNote() {
        return "boots a new model machine for every command: the next command's driver loads with what was saved"
                + " here, as a reboot would";
    }

    @Override
    void checkOptions() {
        if (reload && liveReregister) {
            throw new CommandError.Usage("--reload and --experimental-live-reregister exclude each other");
        }
        // Every option parses before the device is touched: a typo is a usage error, never a half-done change.
        changes.applyTo(DriverConfig.fieldDefault());
    }

    @Override
    int run(Device device, PrintWriter out) {
        SetConfigResult result = device.setConfig(changes.applyTo(device.config()),
                liveReregister ? ApplyMode.LIVE_REREGISTER : ApplyMode.NEXT_LOAD);
        boolean reloaded = false;
        if (reload && result.reloadRequired()) {
            device.reload();
            reloaded = true;
        }
        Outcome outcome = new Outcome(device.config(), result, reloaded);
        return report(out, outcome, () -> print(out, outcome));
    }

    private void print(PrintWriter out, Outcome outcome) {
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
