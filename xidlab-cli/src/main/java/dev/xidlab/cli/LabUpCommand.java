package dev.xidlab.cli;

import dev.xidlab.command.CommandError;
import dev.xidlab.command.ExitCode;
import dev.xidlab.command.TextOrJsonCommand;
import dev.xidlab.device.Device;
import dev.xidlab.device.DeviceException;
import dev.xidlab.lab.Lab;
import dev.xidlab.lab.LabException;
import dev.xidlab.lab.vm.LabDoctor;
import dev.xidlab.lab.vm.VagrantLab;
import dev.xidlab.protocol.DriverInfo;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code xidlab lab up}: what a matrix does before its first run, on its own, so a new VM lab is proven ready
 * (booted, provisioned, driver loaded and answering) before hours of runs are queued on it.
 */
@Command(name = "up",
        description = {"Boot the lab, install and load the driver, and show that it answers. The Vagrant guest stays"
                + " up afterwards (`vagrant halt` in vagrant/ stops it).",
                "It checks the host first and the guest after (xidlab lab doctor); exit 3 when the lab cannot run"
                        + " here or does not come up, 1 when a guest check failed."})
public final class LabUpCommand extends TextOrJsonCommand {

    @CommandLine.Mixin
    LabSetupOptions target;

    @Override
    public Integer call() {
        try (Lab lab = LabChoice.openAvailable(target.labName, target.standIn)) {
            PrintWriter out = spec.commandLine().getOut();
            VagrantLab vm = lab instanceof VagrantLab v ? v : null;
            if (vm != null) {
                // Whatever the host lacks is cheaper to learn before a first boot that can take an hour.
                List<LabDoctor.Finding> host = vm.doctorHost();
                if (LabDoctorCommand.failed(host)) {
                    LabDoctorCommand.print(spec.commandLine().getErr(), host, false);
                    LabDoctor.Finding first = host.stream().filter(f -> f.status() == LabDoctor.Finding.Status.FAIL)
                            .findFirst().orElseThrow();
                    throw new CommandError.Environment("--lab " + target.labName + ": the host is not ready: "
                            + first.check() + ": " + first.detail() + " (" + first.fix() + ")");
                }
            }
            DriverInfo info;
            String device;
            try {
                lab.boot();
                try (Device d = lab.deployDriver()) {
                    info = d.info();
                    device = d.describe();
                }
            } catch (LabException | DeviceException e) {
                throw UserErrors.end("--lab " + target.labName + " did not come up: ", e);
            }
            List<LabDoctor.Finding> guest = vm == null ? List.of() : vm.doctorGuest();
            Map<String, Object> up = new LinkedHashMap<>();
            up.put("lab", lab.name());
            up.put("device", device);
            up.put("driver", info);
            up.put("guestChecks", guest);
            lab.notice().ifPresent(n -> up.put("notice", n));
            answer(up, text -> {
                if (!guest.isEmpty()) {
                    LabDoctorCommand.print(text, guest, false);
                }
                text.printf("lab %s is up: %s answers, xidfilter %s (%s build), protocol %d, load count %d%n",
                        lab.name(), device, info.driverVersionText(), info.buildFlavor().label(),
                        info.protocolVersion(), info.loadCount());
            });
            lab.notice().ifPresent(n -> out.println("note: " + n));
            out.flush();
            return LabDoctorCommand.failed(guest) ? ExitCode.CHECK_FAILED : ExitCode.OK;
        }
    }
}
