package dev.xidlab.device;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;

/** The exports of libxidmodel.so, as declared in driver/sim/xidmodel.h. */
interface ModelLibrary extends Library {

    /** XM_PROFILE. */
    @Structure.FieldOrder({"workers", "processes", "createPercent", "readPercent", "writePercent",
            "pressurePercent", "pressureFlags", "reserved", "operations", "seed"})
    final class Profile extends Structure {
        public int workers;
        public int processes;
        public int createPercent;
        public int readPercent;
        public int writePercent;
        public int pressurePercent;
        public int pressureFlags;
        public int reserved;
        public long operations;
        public long seed;
    }

    /** XM_PRESSURE_PURGE_LISTS. */
    int PRESSURE_PURGE_LISTS = 1;

    /** XM_RESULT. */
    @Structure.FieldOrder({"operations", "pagingReads", "evictions", "bugchecked", "crashDepth", "bugCheckCode",
            "bugCheckParameters", "dumpPath", "kernelDumpPath", "hung", "hungDepth", "softFaults", "hardFaults",
            "collidedFaults", "sameThreadFaults", "storeReads"})
    final class Result extends Structure {
        public long operations;
        public long pagingReads;
        public long evictions;
        public int bugchecked;
        public int crashDepth;
        public long bugCheckCode;
        public long[] bugCheckParameters = new long[4];
        public byte[] dumpPath = new byte[512];
        public byte[] kernelDumpPath = new byte[512];
        public int hung;
        public int hungDepth;
        public long softFaults;
        public long hardFaults;
        public long collidedFaults;
        public long sameThreadFaults;
        public long storeReads;
    }

    /** XM_OPTIONS. */
    @Structure.FieldOrder({"size", "dumpKinds", "pagingPath", "sameThreadFault", "pagingRequestor"})
    final class Options extends Structure {
        public int size;
        public int dumpKinds;
        public int pagingPath;
        public int sameThreadFault;
        public int pagingRequestor;
    }

    /** XM_RESIDENT_FILTER. */
    @Structure.FieldOrder({"module", "altitudeThousandths", "frameBytes", "flags", "reserved"})
    final class ResidentFilter extends Structure {
        public byte[] module = new byte[48];
        public int altitudeThousandths;
        public int frameBytes;
        public int flags;
        public int reserved;
    }

    /** XM_RESIDENT_SKIP_PAGING_IO, XM_RESIDENT_LEGACY. */
    int RESIDENT_SKIP_PAGING_IO = 1;
    int RESIDENT_LEGACY = 2;

    /** XM_ENVIRONMENT. */
    @Structure.FieldOrder({"size", "build", "processors", "filterAltitudeThousandths", "physicalPages", "filterCount",
            "reserved", "filters"})
    final class Environment extends Structure {
        public int size;
        public int build;
        public int processors;
        public int filterAltitudeThousandths;
        public long physicalPages;
        public int filterCount;
        public int reserved;
        public ResidentFilter[] filters = (ResidentFilter[]) new ResidentFilter().toArray(32);
    }

    Pointer XmCreate();

    void XmDestroy(Pointer machine);

    int XmConfigure(Pointer machine, Options options);

    int XmSetEnvironment(Pointer machine, Environment environment);

    int XmBoot(Pointer machine, String dumpDirectory);

    int XmLoadServiceKey(Pointer machine, String path);

    int XmSaveServiceKey(Pointer machine, String path);

    int XmLoadDriver(Pointer machine);

    int XmUnloadDriver(Pointer machine);

    int XmStopDriver(Pointer machine);

    int XmFailNextRegistration(Pointer machine, int status);

    int XmOpenDevice(Pointer machine, LongByReference handle);

    int XmCloseDevice(Pointer machine, long handle);

    int XmDeviceIoControl(Pointer machine, int code, byte[] input, int inputLength, byte[] output,
                          int outputLength, IntByReference bytesReturned);

    int XmDeviceIoControlOnHandle(Pointer machine, long handle, int code, byte[] input, int inputLength,
                                  byte[] output, int outputLength, IntByReference bytesReturned);

    int XmCreateProcess(Pointer machine, LongByReference processId);

    int XmExitProcess(Pointer machine, long processId);

    long XmControllerProcessId(Pointer machine);

    int XmApplyMemoryPressure(Pointer machine, int percent, long seed);

    int XmRunBatch(Pointer machine, Profile profile, Result result);

    int XmGetCrash(Pointer machine, Result result);

    int XmInjectNmi(Pointer machine, Result result);

    int XmReadStats(Pointer machine, byte[] stats, int length);
}
