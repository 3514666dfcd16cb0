package dev.xidlab.lab.sim;

import dev.xidlab.device.Device;
import dev.xidlab.device.DeviceException;
import dev.xidlab.device.IoctlDevice;
import dev.xidlab.device.KernelModel;
import dev.xidlab.device.ModelOptions;
import dev.xidlab.device.SimTransport;
import dev.xidlab.lab.Lab;
import dev.xidlab.lab.LabException;
import dev.xidlab.lab.LabName;
import dev.xidlab.lab.LabUnavailableException;
import dev.xidlab.lab.RunOutcome;
import dev.xidlab.lab.SitePackage;
import dev.xidlab.load.Budget;
import dev.xidlab.load.MemoryPressure;
import dev.xidlab.load.OperationMix;
import dev.xidlab.load.StressProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The default lab: a kernel-model machine in this process. Boot is a clean model boot (the service key
 * survives, as the registry does), deploy loads xidfilter, stress runs the profile as batches of modelled file
 * operations, and a bugcheck leaves a real-format minidump (and, with {@link ModelOptions.Dump#KERNEL}, a kernel
 * memory dump) that is moved to the evidence directory, never over an earlier one.
 */
public final class SimLab implements Lab {

    private static final Pattern MODEL_DUMP_NAME = Pattern.compile("(MEMORY-)?(\\d{6})-\\d+\\.(dmp|DMP)");

    /** Operations per batch when the budget is a time: the model checks the clock between batches. */
    private static final long TIME_BUDGET_BATCH = 5_000;

    private final Path serviceKey;
    private final ModelOptions options;
    private KernelModel model;
    private Path dumpScratch;

    /** A model machine whose registry lives only as long as this lab. */
    public SimLab() {
        this(null, ModelOptions.DEFAULTS);
    }

    /**
     * A model machine whose service key persists in a file, as {@code --device sim} keeps it: the driver loads
     * with the configuration the last {@code xidlab driver set} saved, as on a real machine after a reboot.
     */
    public SimLab(Path serviceKey) {
        this(serviceKey, ModelOptions.DEFAULTS);
    }

    /** A model machine set up with these options (dumps, paging path, the named assumptions). */
    public SimLab(ModelOptions options) {
        this(null, options);
    }

    public SimLab(Path serviceKey, ModelOptions options) {
        this.serviceKey = serviceKey;
        this.options = options;
    }

    public ModelOptions options() {
        return options;
    }

    /**
     * The profile the default matrix uses: heavy pressure that reproduces the field crash in the field
     * configuration within a few hundred operations, and a budget that lets a fixed configuration prove itself
     * over 20,000 operations (600 pressure cycles).
     */
    public static StressProfile defaultProfile() {
        return new StressProfile(4, 32, OperationMix.typical(), MemoryPressure.HIGH, Budget.ofOperations(20_000));
    }

    @Override
    public String name() {
        return LabName.SIM;
    }

    @Override
    public void checkAvailable() {
        KernelModel.unavailableReason().ifPresent(reason -> {
            throw new LabUnavailableException(reason);
        });
    }

    @Override
    public void boot() {
        checkAvailable();
        try {
            if (model == null) {
                model = new KernelModel();
                model.configure(options);
                dumpScratch = Files.createTempDirectory("xidlab-sim-dumps");
            }
            model.boot(dumpScratch);
            if (serviceKey != null && Files.exists(serviceKey)) {
                model.loadServiceKey(serviceKey);
            }
        } catch (IOException e) {
            throw new LabException("cannot make a dump directory for the model: " + e.getMessage(), e);
        } catch (DeviceException e) {
            throw new LabException("the model did not boot: " + e.getMessage(), e);
        }
    }

    /** The model runs xidfilter's portable core built into it: a foreign binary cannot run here at all. */
    @Override
    public Optional<String> cannotInstall(List<SitePackage> sitePackages, String what) {
        return Optional.of("the kernel model (--lab sim) cannot run a foreign binary: " + what
                + "; run this plan on --lab vagrant");
    }

    /**
     * The model's driver is the one built into its library: xidfilter, or a stand-in build of a user's driver
     * ({@link KernelModel#LIBRARY_PROPERTY}); loaded without opening its controller.
     */
    @Override
    public void loadInstalledDriver() {
        deployDriver().close();
    }

    @Override
    public Device deployDriver() {
        try {
            live().loadDriver();
        } catch (DeviceException e) {
            throw new LabException("xidfilter did not load in the model: " + e.getMessage(), e);
        }
        return new IoctlDevice(new SimTransport(model, null, false));
    }

    @Override
    public RunOutcome stress(StressProfile profile, long seed, Path evidenceDir) {
        KernelModel m = live();
        Budget budget = profile.budget();
        long started = System.nanoTime();
        long done = 0;
        long batch = 0;
        try {
            while (true) {
                long want = budget.operations() > 0 ? budget.operations() - done : TIME_BUDGET_BATCH;
                if (budget.operations() > 0 && want <= 0) {
                    break;
                }
                if (budget.time() != null && elapsed(started).compareTo(budget.time()) >= 0) {
                    break;
                }
                KernelModel.BatchResult r = m.runBatch(profile, Math.min(want, budget.time() == null ? want
                        : TIME_BUDGET_BATCH), seed + 0x9E3779B97F4A7C15L * batch++);
                done += r.operations();
                if (r.bugchecked()) {
                    return bugchecked(r, done, elapsed(started), evidenceDir);
                }
                if (r.hung()) {
                    // The model sees the deadlock the moment it forms: no time had to pass to call it a hang.
                    return new RunOutcome.Hung("a thread waits for the in-page read it must itself finish"
                            + " (same-thread-fault=wait), at callback nesting depth " + r.crashDepth(), Duration.ZERO,
                            done, elapsed(started), Optional.of(m.readStats()), List.of());
                }
            }
            return new RunOutcome.Survived(done, elapsed(started), m.readStats());
        } catch (DeviceException e) {
            return new RunOutcome.LabFailure("the model failed: " + e.getMessage(), elapsed(started));
        }
    }

    /**
     * The host's diagnostic NMI to the hung model machine ({@link KernelModel#injectNmi}): it bugchecks 0x80 and its
     * minidump, with the hung thread's stack, is kept in {@code evidenceDir} as a crash's dump is. Returns the dump,
     * empty when none could be written.
     *
     * @throws LabException when the machine is not hung
     */
    public Optional<Path> injectNmi(Path evidenceDir) {
        try {
            return keepIfWritten(live().injectNmi().dump(), evidenceDir);
        } catch (DeviceException e) {
            throw new LabException("the model took no NMI: " + e.getMessage(), e);
        }
    }

    private RunOutcome bugchecked(KernelModel.BatchResult r, long done, Duration elapsed, Path evidenceDir) {
        List<Path> evidence = new ArrayList<>();
        Optional<Path> dump = keepIfWritten(r.dump(), evidenceDir);
        Optional<Path> kernelDump = keepIfWritten(r.kernelDump(), evidenceDir);
        dump.ifPresent(evidence::add);
        kernelDump.ifPresent(evidence::add);
        // The kernel dump holds the whole overflowed stack: when there is one, it is the dump the run is judged by.
        return new RunOutcome.Bugchecked(r.bugCheckCode(), r.parameters(), kernelDump.or(() -> dump), evidence,
                done, elapsed, Optional.of(model.readStats()));
    }

    private static Optional<Path> keepIfWritten(Optional<Path> written, Path evidenceDir) {
        if (written.isEmpty()) {
            return Optional.empty();
        }
        try {
            Files.createDirectories(evidenceDir);
            return Optional.of(keep(written.get(), evidenceDir));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the model's dump in " + evidenceDir, e);
        }
    }

    /**
     * Moves a dump into the evidence directory under a name no earlier dump there has: evidence is never
     * overwritten, however many runs share the directory. The model names a minidump MMDDYY-NN.dmp and a kernel
     * dump MEMORY-MMDDYY-NN.DMP; they are kept as Windows names minidumps, MMDDYY-NNNNN-NN.dmp (the kernel dump
     * with its MEMORY- prefix and .DMP), with the first free number. Any other name keeps its own, with -2, -3 ...
     * before the extension when taken.
     */
    static Path keep(Path dump, Path evidenceDir) throws IOException {
        String name = dump.getFileName().toString();
        Matcher model = MODEL_DUMP_NAME.matcher(name);
        int dot = name.lastIndexOf('.');
        for (int n = 1; ; n++) {
            String candidate = model.matches() ? String.format("%s%s-%05d-01.%s",
                    model.group(1) == null ? "" : model.group(1), model.group(2), n, model.group(3))
                    : n == 1 ? name : dot < 0 ? name + "-" + n : name.substring(0, dot) + "-" + n + name.substring(dot);
            Path target = evidenceDir.resolve(candidate);
            try {
                return Files.move(dump, target);
            } catch (FileAlreadyExistsException taken) {
                // an earlier run's evidence: try the next number
            }
        }
    }

    @Override
    public void close() {
        if (model != null) {
            model.close();
            model = null;
        }
        if (dumpScratch != null) {
            try (var files = Files.list(dumpScratch)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(f);
                }
                Files.deleteIfExists(dumpScratch);
            } catch (IOException e) {
                // A leftover temp directory is not worth failing a finished matrix for.
            }
            dumpScratch = null;
        }
    }

    private KernelModel live() {
        if (model == null) {
            throw new LabException("the model lab is not booted");
        }
        return model;
    }

    private static Duration elapsed(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }
}
