package dev.xidlab.cli;

import dev.xidlab.protocol.DriverConfig;
import dev.xidlab.protocol.Labels;
import dev.xidlab.protocol.Operation;
import java.io.PrintWriter;

/** How a driver configuration reads in a terminal. */
final class ConfigText {

    private ConfigText() {
    }

    static void print(PrintWriter out, DriverConfig config) {
        out.printf("xid mode          %s%n", config.xidMode().label());
        out.printf("guard             %s%s%n", Labels.formatSet(config.guard()),
                config.guardStackThreshold() == 0 ? "" : " (stack threshold " + config.guardStackThreshold()
                        + " bytes)");
        out.printf("self-test         %s%n", config.selfTest() ? "on" : "off");
        TextTable table = new TextTable("operation", "registration flags");
        for (Operation op : Operation.values()) {
            table.row(op.label(), Labels.formatSet(config.registration().get(op)));
        }
        table.print(out);
    }
}
