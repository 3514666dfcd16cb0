package dev.xidlab.cli;

import dev.xidlab.command.CommandError;
import dev.xidlab.command.ExitCode;
import dev.xidlab.command.JsonOutput;
import dev.xidlab.command.TextOrJsonCommand;
import dev.xidlab.lab.Lab;
import dev.xidlab.lab.LabException;
import dev.xidlab.lab.vm.LabDoctor;
import dev.xidlab.lab.vm.VagrantLab;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code xidlab lab doctor}: everything a real lab needs, checked in order, each failure with its fix. It never
 * starts or changes the machine; the guest's checks run when it is up.
 */
@Command(name = "doctor",
        description = {"Check, in order, what the lab needs on this host and in its guest (when the guest is up),"
                + " and print the fix for each failure. Starts and changes nothing.",
                "Exit 1 when a check failed."})
public final class LabDoctorCommand extends TextOrJsonCommand {

    @CommandLine.Mixin
    LabSetupOptions target;

    @Override
    public Integer call() {
        List<LabDoctor.Finding> findings = new ArrayList<>();
        try (Lab lab = CommandError.usage(() -> Labs.open(target.labName, true))) {
            if (lab instanceof VagrantLab vm) {
                if (vm.guest().standIn() && !target.standIn.allowStandIn) {
                    findings.add(new LabDoctor.Finding("box", LabDoctor.Finding.Status.FAIL, "the box is the stand-in"
                            + " guest (Linux + kernel model, not a Windows kernel)", "pass --allow-stand-in, or set"
                            + " XIDLAB_BOX to a Windows box"));
                }
                findings.addAll(vm.doctorHost());
                findings.addAll(vm.doctorGuest());
            } else {
                try {
                    lab.checkAvailable();
                    findings.add(new LabDoctor.Finding(lab.name(), LabDoctor.Finding.Status.OK, "ready", ""));
                } catch (LabException e) {
                    findings.add(new LabDoctor.Finding(lab.name(), LabDoctor.Finding.Status.FAIL, e.getMessage(), ""));
                }
            }
        }
        print(spec.commandLine().getOut(), findings, json.on);
        return failed(findings) ? ExitCode.CHECK_FAILED : ExitCode.OK;
    }

    static boolean failed(List<LabDoctor.Finding> findings) {
        return findings.stream().anyMatch(f -> f.status() == LabDoctor.Finding.Status.FAIL);
    }

    static void print(PrintWriter out, List<LabDoctor.Finding> findings, boolean json) {
        if (json) {
            JsonOutput.print(out, findings);
            return;
        }
        TextTable table = new TextTable("check", "status", "detail", "fix");
        findings.forEach(f -> table.row(f.check(), f.status().name(), f.detail(),
                f.status() == LabDoctor.Finding.Status.OK ? "" : f.fix()));
        table.print(out);
        out.flush();
    }
}
