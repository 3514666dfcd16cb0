package dev.xidlab.cli;

import dev.xidlab.command.CommandError;
import dev.xidlab.command.ExitCode;
import dev.xidlab.command.StandInOption;
import dev.xidlab.command.TextOrJsonCommand;
import dev.xidlab.lab.Lab;
import dev.xidlab.lab.LabException;
import dev.xidlab.lab.LabName;
import dev.xidlab.lab.vm.VagrantLab;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code xidlab bench lab}: the VM lab's own figures on this host, from crashes made on purpose on the stand-in
 * guest: how soon the host knows (the hypervisor's panic device; a session's keepalives without one), and how long
 * a crashed guest takes until it answers again.
 */
@Command(name = "lab",
        description = {"Crash the VM lab's guest on purpose and time, on the host's clock: the panic device's signal,"
                + " a session's death by keepalives, and reboot to ready. Needs a guest that can be crashed without"
                + " the driver (the stand-in: XIDLAB_BOX=xidlab/standin-linux and --allow-stand-in)."})
public final class BenchLabCommand extends TextOrJsonCommand {

    @Option(names = "--crashes", defaultValue = "3", description = "Crashes timed (default ${DEFAULT-VALUE}).")
    int crashes;

    @CommandLine.Mixin
    StandInOption standIn;

    @Override
    public Integer call() {
        if (crashes < 1 || crashes > 50) {
            throw new CommandError.Usage("--crashes must be 1..50, not " + crashes);
        }
        List<VagrantLab.CrashTiming> timings = new ArrayList<>();
        try (Lab lab = LabChoice.openAvailable(LabName.VAGRANT, standIn)) {
            VagrantLab vm = (VagrantLab) lab;
            try {
                vm.boot();
                for (int i = 0; i < crashes; i++) {
                    timings.add(vm.timeACrash());
                    vm.boot();
                }
            } catch (LabException e) {
                throw UserErrors.end("--lab vagrant: ", e);
            }
            report(vm, timings);
        }
        return ExitCode.OK;
    }

    private void report(VagrantLab vm, List<VagrantLab.CrashTiming> timings) {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("guest", vm.guest().name());
        figures.put("acceleration", vm.acceleration().describe());
        figures.put("machine", BenchMachine.describe());
        figures.put("crashes", timings);
        figures.put("medianPanicSignal", median(timings, VagrantLab.CrashTiming::panicSignal));
        figures.put("medianSessionLost", median(timings, VagrantLab.CrashTiming::sessionLost));
        figures.put("medianRebootToReady", median(timings, VagrantLab.CrashTiming::rebootToReady));
        answer(figures, out -> {
            out.printf("%s guest, %s%n", vm.guest().name(), vm.acceleration().describe());
            TextTable table = new TextTable("crash", "panic device signal", "session lost (keepalives)",
                    "reboot to ready");
            for (int i = 0; i < timings.size(); i++) {
                VagrantLab.CrashTiming t = timings.get(i);
                table.row(i + 1, seconds(t.panicSignal()), seconds(t.sessionLost()), seconds(t.rebootToReady()));
            }
            table.row("median", seconds((Duration) figures.get("medianPanicSignal")),
                    seconds((Duration) figures.get("medianSessionLost")),
                    seconds((Duration) figures.get("medianRebootToReady")));
            table.print(out);
        });
    }

    private static Duration median(List<VagrantLab.CrashTiming> timings, Function<VagrantLab.CrashTiming, Duration> f) {
        List<Duration> sorted = timings.stream().map(f).sorted(Comparator.naturalOrder()).toList();
        return sorted.get(sorted.size() / 2);
    }

    private static String seconds(Duration d) {
        return String.format("%.1f s", d.toMillis() / 1000.0);
    }
}
