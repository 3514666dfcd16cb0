package dev.xidlab.cli;

import dev.xidlab.command.CommandError;
import dev.xidlab.device.Device;
import dev.xidlab.protocol.Labels;
import dev.xidlab.protocol.NtStatus;
import dev.xidlab.protocol.XidAnswer;
import dev.xidlab.protocol.XidMode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code xidlab driver xid}: the Xid of a process, per mode, so the modes can be compared. */
@Command(name = "xid",
        description = "Compute the Xid of a process with each mode (or one), so the modes can be compared.")
public final class DriverXidCommand extends DeviceCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "PID", defaultValue = "0",
            description = "Process id (default 0: the calling process).")
    long pid;

    @Option(names = "--mode", paramLabel = "MODE", description = "Only this mode (default: every mode that"
            + " computes an Xid).")
    String mode;

    @Override
    void checkOptions() {
        if (pid < 0) {
            throw new CommandError.Usage("PID must not be negative, not " + pid);
        }
        modes();
    }

    private List<XidMode> modes() {
        return mode == null
                ? List.of(XidMode.LOOKUP, XidMode.REQUESTOR, XidMode.CACHED)
                : List.of(Labels.parse(XidMode.class, mode, "Xid mode"));
    }

    @Override
    int run(Device device, PrintWriter out) {
        List<XidAnswer> answers = new ArrayList<>();
        for (XidMode m : modes()) {
            answers.add(device.queryXid(pid, m));
        }
        return report(out, answers, () -> {
            TextTable table = new TextTable("mode", "pid", "xid", "create time", "status");
            for (XidAnswer a : answers) {
                table.row(a.mode().label(), a.processId(), a.computed() ? String.format("0x%016X", a.xid()) : "-",
                        a.computed() ? String.valueOf(a.createTime()) : "-", NtStatus.describe(a.status()));
            }
            table.print(out);
        });
    }
}
