package dev.xidlab.cli;

import dev.xidlab.command.CommandError;
import dev.xidlab.command.ExitCode;
import dev.xidlab.command.TextOrJsonCommand;
import dev.xidlab.lab.Lab;
import dev.xidlab.lab.LabException;
import dev.xidlab.lab.LabName;
import dev.xidlab.lab.vm.VagrantLab;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code xidlab lab status}: which labs can run here, and what is missing for the others. */
@Command(name = "status",
        description = "Whether each lab can run on this machine, and if not, why. Exit 3 when the asked lab cannot.")
public final class LabStatusCommand extends TextOrJsonCommand {

    @Option(names = "--lab", paramLabel = "sim|vagrant|local", description = "Only this lab (default: all).")
    String only;

    record Status(String lab, boolean available, String detail) {
    }

    @Override
    public Integer call() {
        List<String> names = only == null ? List.of(LabName.SIM, LabName.VAGRANT, LabName.LOCAL) : List.of(only);
        List<Status> statuses = new ArrayList<>();
        for (String name : names) {
            try (Lab lab = CommandError.usage(() -> Labs.open(name))) {
                lab.checkAvailable();
                // How the VM's CPU runs is decided by a probe, never silently: the status says which.
                statuses.add(new Status(name, true, lab instanceof VagrantLab vm
                        ? "ready; " + vm.acceleration().describe() : "ready"));
            } catch (LabException e) {
                statuses.add(new Status(name, false, e.getMessage()));
            }
        }
        answer(statuses, out -> {
            TextTable table = new TextTable("lab", "available", "detail");
            statuses.forEach(s -> table.row(s.lab(), s.available() ? "yes" : "no", s.detail()));
            table.print(out);
        });
        return only != null && !statuses.get(0).available() ? ExitCode.ENVIRONMENT : ExitCode.OK;
    }
}
