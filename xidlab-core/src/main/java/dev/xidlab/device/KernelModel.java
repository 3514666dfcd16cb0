package dev.xidlab.device;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import dev.xidlab.load.StressProfile;
import dev.xidlab.protocol.DriverStats;
import dev.xidlab.protocol.NtStatus;
import dev.xidlab.protocol.Wire;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One modelled Windows machine of the kernel model (libxidmodel.so, built from driver/sim and the driver's own
 * core by the Maven build and found on the class path). Not thread-safe for boot/close; requests and batches
 * may run from different threads (the model serialises them per operation).
 */
public final class KernelModel implements AutoCloseable {

    /** NTSTATUS the model answers once its machine has bugchecked (STATUS_SYSTEM_SHUTDOWN). */
    public static final int MACHINE_CRASHED = 0xC00002EA;
    /** NTSTATUS for a request to a device that does not exist (driver not loaded). */
    public static final int OBJECT_NAME_NOT_FOUND = 0xC0000034;
    /** NTSTATUS the model answers once its machine has hung (STATUS_IO_TIMEOUT). */
    public static final int MACHINE_HUNG = 0xC00000B5;
    /** NTSTATUS for an NMI to a machine that is not hung (STATUS_INVALID_DEVICE_STATE). */
    private static final int INVALID_DEVICE_STATE = 0xC0000184;

    private static final ModelLibrary LIBRARY = load();

    private static volatile String loadFailure;

    private Pointer machine;

    /**
     * How a batch ended.
     *
     * @param hung       the machine stopped making progress (a thread waiting on a read it must itself finish)
     * @param crashDepth callback nesting depth on the thread that bugchecked or hung
     * @param kernelDump the kernel memory dump, when the machine is configured to write one
     */
    public record BatchResult(long operations, long pagingReads, long evictions, boolean bugchecked, boolean hung,
                              int crashDepth, long bugCheckCode, List<Long> parameters, Optional<Path> dump,
                              Optional<Path> kernelDump, Faults faults) {
    }

    /** The memory manager's page faults since boot, by how they were resolved. */
    public record Faults(long soft, long hard, long collided, long sameThread, long storeReads) {
    }

    /**
     * The model built with another driver in it instead of the one on the class path: the stand-in guest's build of
     * a user's driver package (another module name, its own registration flags), which the VM lab installed there.
     */
    public static final String LIBRARY_PROPERTY = "xidlab.model.library";

    private static ModelLibrary load() {
        String installed = System.getProperty(LIBRARY_PROPERTY, "");
        try {
            return Native.load(installed.isBlank() ? "xidmodel" : installed, ModelLibrary.class);
        } catch (UnsatisfiedLinkError e) {
            loadFailure = e.getMessage();
            return null;
        }
    }

    /** Why the model cannot run here, or empty when it can. */
    public static Optional<String> unavailableReason() {
        if (LIBRARY != null) {
            return Optional.empty();
        }
        return Optional.of("the kernel-model library libxidmodel.so is not built for "
                + System.getProperty("os.name") + "/" + System.getProperty("os.arch")
                + " (build with mvn package on Linux x86-64 with gcc): " + loadFailure);
    }

    public KernelModel() {
        unavailableReason().ifPresent(reason -> {
            throw new DeviceException(reason);
        });
        machine = LIBRARY.XmCreate();
        if (machine == null) {
            throw new DeviceException("the kernel model could not allocate a machine");
        }
    }

    /** Sets how the machine behaves from its next boot on. */
    public void configure(ModelOptions options) {
        ModelLibrary.Options o = new ModelLibrary.Options();
        o.size = o.size();
        o.dumpKinds = options.dump() == ModelOptions.Dump.KERNEL ? 3 : 1;
        o.pagingPath = options.pagingPath().ordinal();
        o.sameThreadFault = options.sameThreadFault().ordinal();
        o.pagingRequestor = options.pagingRequestor().ordinal();
        check("configure the model", LIBRARY.XmConfigure(live(), o));
        setEnvironment(options.environment());
    }

    /** Makes the machine the site's: its dumps' build, processors and memory, and the filters beside xidfilter. */
    public void setEnvironment(ModelEnvironment environment) {
        ModelLibrary.Environment e = new ModelLibrary.Environment();
        e.size = e.size();
        e.build = environment.build();
        e.processors = environment.processors();
        e.filterAltitudeThousandths = (int) environment.filterAltitudeThousandths();
        e.physicalPages = environment.physicalPages();
        e.filterCount = environment.filters().size();
        for (int i = 0; i < environment.filters().size(); i++) {
            ModelEnvironment.ResidentFilter f = environment.filters().get(i);
            byte[] name = f.module().getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(name, 0, e.filters[i].module, 0, name.length);
            e.filters[i].altitudeThousandths = (int) f.altitudeThousandths();
            e.filters[i].frameBytes = f.frameBytes();
            e.filters[i].flags = (f.skipPagingIo() ? ModelLibrary.RESIDENT_SKIP_PAGING_IO : 0)
                    | (f.legacy() ? ModelLibrary.RESIDENT_LEGACY : 0);
        }
        check("set the model's environment", LIBRARY.XmSetEnvironment(live(), e));
    }

    /** Boots a clean machine (or reboots a crashed one); minidumps go to dumpDirectory. */
    public void boot(Path dumpDirectory) {
        check("boot", LIBRARY.XmBoot(live(), dumpDirectory == null ? null : dumpDirectory.toString()));
    }

    public void loadServiceKey(Path file) {
        check("load the service key from " + file, LIBRARY.XmLoadServiceKey(live(), file.toString()));
    }

    public void saveServiceKey(Path file) {
        check("save the service key to " + file, LIBRARY.XmSaveServiceKey(live(), file.toString()));
    }

    public void loadDriver() {
        check("load xidfilter", LIBRARY.XmLoadDriver(live()));
    }

    /** fltmc unload: the driver refuses it (STATUS_FLT_DO_NOT_DETACH) while a handle is open on its device. */
    public void unloadDriver() {
        check("unload xidfilter", LIBRARY.XmUnloadDriver(live()));
    }

    /** sc stop: a mandatory unload; handles still open reach the unloaded instance. */
    public void stopDriver() {
        check("stop xidfilter", LIBRARY.XmStopDriver(live()));
    }

    /** Makes the modelled filter manager's next FltRegisterFilter fail with {@code status}. */
    public void failNextRegistration(int status) {
        check("arm a registration failure", LIBRARY.XmFailNextRegistration(live(), status));
    }

    /** CreateFile on \\.\XidFilter: a handle for {@link #deviceIoControl(long, int, byte[], int)}. */
    public long openDevice() {
        LongByReference handle = new LongByReference();
        int status = LIBRARY.XmOpenDevice(live(), handle);
        if (status == OBJECT_NAME_NOT_FOUND) {
            throw new DeviceException("\\\\.\\XidFilter does not exist: the driver is not loaded", status, 2);
        }
        check("open \\\\.\\XidFilter", status);
        return handle.getValue();
    }

    public void closeDevice(long handle) {
        check("close handle " + handle, LIBRARY.XmCloseDevice(live(), handle));
    }

    /**
     * DeviceIoControl on the model's \\.\XidFilter through a handle opened for this one request: the request
     * bytes go to the driver's own IOCTL handling.
     *
     * @return the output bytes the driver wrote
     * @throws DeviceException with the driver's NTSTATUS when it fails the request
     */
    public byte[] deviceIoControl(int code, byte[] input, int outputCapacity) {
        byte[] output = new byte[outputCapacity];
        IntByReference returned = new IntByReference();
        int status = LIBRARY.XmDeviceIoControl(live(), code, input, input.length, outputCapacity == 0 ? null : output,
                outputCapacity, returned);
        return answer(code, status, output, returned);
    }

    /** DeviceIoControl through a handle {@link #openDevice()} returned, which may outlive the driver it reached. */
    public byte[] deviceIoControl(long handle, int code, byte[] input, int outputCapacity) {
        byte[] output = new byte[outputCapacity];
        IntByReference returned = new IntByReference();
        int status = LIBRARY.XmDeviceIoControlOnHandle(live(), handle, code, input, input.length,
                outputCapacity == 0 ? null : output, outputCapacity, returned);
        return answer(code, status, output, returned);
    }

    private static byte[] answer(int code, int status, byte[] output, IntByReference returned) {
        if (status == MACHINE_CRASHED) {
            throw new DeviceException("the modelled machine has bugchecked; boot it again", status,
                    NtStatus.toWin32(status));
        }
        if (status == OBJECT_NAME_NOT_FOUND) {
            throw new DeviceException("\\\\.\\XidFilter does not exist: the driver is not loaded", status, 2);
        }
        if (!NtStatus.isSuccess(status)) {
            throw DeviceException.failedWith(String.format("IOCTL 0x%08X", code), status);
        }
        return java.util.Arrays.copyOf(output, returned.getValue());
    }

    public long createProcess() {
        LongByReference pid = new LongByReference();
        check("create a process", LIBRARY.XmCreateProcess(live(), pid));
        return pid.getValue();
    }

    public void exitProcess(long processId) {
        check("end process " + processId, LIBRARY.XmExitProcess(live(), processId));
    }

    public long controllerProcessId() {
        return LIBRARY.XmControllerProcessId(live());
    }

    public void applyMemoryPressure(int percent, long seed) {
        check("apply memory pressure", LIBRARY.XmApplyMemoryPressure(live(), percent, seed));
    }

    /** Runs a load of {@code operations} file operations (the profile's budget is the caller's business). */
    public BatchResult runBatch(StressProfile profile, long operations, long seed) {
        ModelLibrary.Profile p = new ModelLibrary.Profile();
        p.workers = profile.workers();
        p.processes = profile.processes();
        p.createPercent = profile.mix().createPercent();
        p.readPercent = profile.mix().readPercent();
        p.writePercent = profile.mix().writePercent();
        p.pressurePercent = profile.pressure().percent();
        p.pressureFlags = profile.pressure().purgesLists() ? ModelLibrary.PRESSURE_PURGE_LISTS : 0;
        p.operations = operations;
        p.seed = seed;
        ModelLibrary.Result r = new ModelLibrary.Result();
        int status = LIBRARY.XmRunBatch(live(), p, r);
        boolean ended = (status == MACHINE_CRASHED && r.bugchecked != 0) || (status == MACHINE_HUNG && r.hung != 0);
        if (!ended) {
            check("run a batch", status);
        }
        return toBatchResult(r);
    }

    /**
     * The host's diagnostic NMI to the hung machine: it bugchecks 0x80 NMI_HARDWARE_FAILURE, as Windows 8 and later
     * do on an NMI, and writes the minidump of it with the hung thread's stack (where it waits) as its call stack.
     *
     * @throws DeviceException for a machine that is not hung
     */
    public BatchResult injectNmi() {
        ModelLibrary.Result r = new ModelLibrary.Result();
        int status = LIBRARY.XmInjectNmi(live(), r);
        if (status == INVALID_DEVICE_STATE) {
            throw new DeviceException("cannot send the model an NMI: the modelled machine is not hung", status,
                    NtStatus.toWin32(status));
        }
        check("send the model an NMI", status);
        return toBatchResult(r);
    }

    /** The last bugcheck (or hang) of this boot, if any. */
    public Optional<BatchResult> crash() {
        ModelLibrary.Result r = new ModelLibrary.Result();
        LIBRARY.XmGetCrash(live(), r);
        return r.bugchecked != 0 || r.hung != 0 ? Optional.of(toBatchResult(r)) : Optional.empty();
    }

    /** The driver's telemetry read from its memory: available after a bugcheck too. */
    public DriverStats readStats() {
        byte[] bytes = new byte[Wire.STATS.size()];
        check("read the driver's telemetry", LIBRARY.XmReadStats(live(), bytes, bytes.length));
        return DriverStats.decode(bytes);
    }

    @Override
    public void close() {
        if (machine != null) {
            LIBRARY.XmDestroy(machine);
            machine = null;
        }
    }

    private Pointer live() {
        if (machine == null) {
            throw new IllegalStateException("the model machine is closed");
        }
        return machine;
    }

    private static BatchResult toBatchResult(ModelLibrary.Result r) {
        return new BatchResult(r.operations, r.pagingReads, r.evictions, r.bugchecked != 0, r.hung != 0,
                r.hung != 0 ? r.hungDepth : r.crashDepth, r.bugCheckCode, List.of(r.bugCheckParameters[0],
                        r.bugCheckParameters[1], r.bugCheckParameters[2], r.bugCheckParameters[3]),
                path(r.dumpPath), path(r.kernelDumpPath),
                new Faults(r.softFaults, r.hardFaults, r.collidedFaults, r.sameThreadFaults, r.storeReads));
    }

    private static Optional<Path> path(byte[] nulTerminated) {
        int end = 0;
        while (end < nulTerminated.length && nulTerminated[end] != 0) {
            end++;
        }
        return end == 0 ? Optional.empty()
                : Optional.of(Path.of(new String(nulTerminated, 0, end, StandardCharsets.UTF_8)));
    }

    private static void check(String what, int status) {
        if (status == MACHINE_HUNG) {
            throw new DeviceException("cannot " + what + ": the modelled machine has hung", status,
                    NtStatus.toWin32(status));
        }
        if (status == MACHINE_CRASHED) {
            throw new DeviceException("cannot " + what + ": the modelled machine has bugchecked", status,
                    NtStatus.toWin32(status));
        }
        if (!NtStatus.isSuccess(status)) {
            throw new DeviceException("cannot " + what + ": " + NtStatus.describe(status), status,
                    NtStatus.toWin32(status));
        }
    }
}
