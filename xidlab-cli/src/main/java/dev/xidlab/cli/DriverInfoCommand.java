package dev.xidlab.cli;

import dev.xidlab.device.Device;
import dev.xidlab.protocol.DriverInfo;
import dev.xidlab.protocol.Labels;
import dev.xidlab.protocol.NtStatus;
import dev.xidlab.protocol.Operation;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code xidlab driver info}. */
@Command(name = "info", description = "Protocol and driver version, build flavour, registration state.")
public final class DriverInfoCommand extends DeviceCommand {

    @Override
    String freshMachineNote() {
        return "boots a new model machine for every command and loads xidfilter from the saved service key, so"
                + " flags saved by an earlier command show as active here; on Windows they wait for a reload";
    }

    @Override
    int run(Device device, PrintWriter out) {
        DriverInfo info = device.info();
        return report(out, info, () -> {
            out.printf("device            %s%n", device.describe());
            out.printf("driver            %s (%s build), protocol %d%n", info.driverVersionText(),
                    info.buildFlavor().label(), info.protocolVersion());
            out.printf("state             %s%n", Labels.formatSet(info.state()));
            out.printf("loads             %d, last FltRegisterFilter %s%n", info.loadCount(),
                    NtStatus.describe(info.registerStatus()));
            TextTable table = new TextTable("operation", "active flags", "saved for next load");
            for (Operation op : Operation.values()) {
                table.row(op.label(), Labels.formatSet(info.activeRegistration().get(op)),
                        Labels.formatSet(info.savedRegistration().get(op)));
            }
            table.print(out);
            if (info.reloadPending()) {
                out.println("saved flags differ from the active registration: reload the filter to apply them");
            }
        });
    }
}
