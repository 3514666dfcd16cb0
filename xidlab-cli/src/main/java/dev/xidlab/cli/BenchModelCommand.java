package dev.xidlab.cli;

import dev.xidlab.command.CommandError;
import dev.xidlab.command.ExitCode;
import dev.xidlab.command.TextOrJsonCommand;
import dev.xidlab.device.KernelModel;
import dev.xidlab.load.Budget;
import dev.xidlab.load.MemoryPressure;
import dev.xidlab.load.OperationMix;
import dev.xidlab.load.StressProfile;
import dev.xidlab.protocol.ApplyMode;
import dev.xidlab.protocol.DriverConfig;
import dev.xidlab.protocol.DriverStats;
import dev.xidlab.protocol.Ioctl;
import dev.xidlab.protocol.SetConfigRequest;
import dev.xidlab.protocol.XidMode;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code xidlab bench model}: modelled pre-operation callbacks per second per Xid mode, and the IOCTL round trip. */
@Command(name = "model",
        description = "Callbacks per second of the kernel model per Xid mode (no memory pressure), and the cost of"
                + " one IOCTL round trip through JNA.")
public final class BenchModelCommand extends TextOrJsonCommand {

    @Option(names = "--operations", defaultValue = "2000000", description = "File operations per mode (default"
            + " ${DEFAULT-VALUE}).")
    long operations;

    @Option(names = "--ioctls", defaultValue = "200000", description = "IOCTL round trips timed (default"
            + " ${DEFAULT-VALUE}).")
    int ioctls;

    record ModeFigure(String mode, long callbacks, double seconds, double callbacksPerSecond) {
    }

    record Figures(List<ModeFigure> modes, int ioctls, double microsecondsPerIoctl, String machine) {
    }

    @Override
    public Integer call() {
        if (operations < 1 || ioctls < 1) {
            throw new CommandError.Usage("--operations and --ioctls must be at least 1");
        }
        KernelModel.unavailableReason().ifPresent(reason -> {
            throw new CommandError.Environment(reason);
        });
        StressProfile calm = new StressProfile(4, 32, OperationMix.typical(), MemoryPressure.NONE,
                Budget.ofOperations(operations));
        List<ModeFigure> modes = new ArrayList<>();
        try (KernelModel model = new KernelModel()) {
            for (XidMode mode : XidMode.values()) {
                model.boot(null);
                model.loadDriver();
                model.deviceIoControl(Ioctl.SET_CONFIG.code(), new SetConfigRequest(ApplyMode.NEXT_LOAD,
                        DriverConfig.fieldDefault().withXidMode(mode)).encode(), Ioctl.SET_CONFIG.outputSize());
                model.runBatch(calm, Math.min(operations, 200_000), 1);      // warm up
                model.deviceIoControl(Ioctl.RESET_STATS.code(), new byte[0], 0);
                long start = System.nanoTime();
                model.runBatch(calm, operations, 2);
                double seconds = (System.nanoTime() - start) / 1e9;
                DriverStats stats = model.readStats();
                modes.add(new ModeFigure(mode.label(), stats.callbacks(), seconds, stats.callbacks() / seconds));
            }
            byte[] none = new byte[0];
            int size = Ioctl.GET_STATS.outputSize();
            for (int i = 0; i < Math.min(ioctls, 20_000); i++) {
                model.deviceIoControl(Ioctl.GET_STATS.code(), none, size);
            }
            long start = System.nanoTime();
            for (int i = 0; i < ioctls; i++) {
                model.deviceIoControl(Ioctl.GET_STATS.code(), none, size);
            }
            double micros = (System.nanoTime() - start) / 1e3 / ioctls;
            print(new Figures(modes, ioctls, micros, BenchMachine.describe()));
        }
        return ExitCode.OK;
    }

    private void print(Figures f) {
        answer(f, out -> {
            TextTable table = new TextTable("xid mode", "callbacks", "seconds", "callbacks/s");
            for (ModeFigure m : f.modes()) {
                table.row(m.mode(), m.callbacks(), String.format("%.3f", m.seconds()),
                        String.format("%.0f", m.callbacksPerSecond()));
            }
            table.print(out);
            out.printf("IOCTL round trip (GET_STATS through JNA): %.2f us (%d calls)%n", f.microsecondsPerIoctl(),
                    f.ioctls());
            out.printf("machine: %s%n", f.machine());
        });
    }
}
