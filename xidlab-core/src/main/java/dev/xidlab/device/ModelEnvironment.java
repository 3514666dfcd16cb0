package dev.xidlab.device;

import java.math.BigDecimal;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The machine a kernel-model machine stands for (XM_ENVIRONMENT): what its dumps say of it (Windows build,
 * processors, physical memory) and the file-system filters loaded beside xidfilter, each with the stack its callback
 * takes on an operation it sees. The model's own machine is {@link #DEFAULT}: build 19041, 2 processors, 2 GiB,
 * xidfilter at 385100 alone.
 *
 * @param physicalPages             4 KiB pages of physical memory, written into the kernel dump's descriptor (the
 *                                  model's memory manager keeps its own fixed number of frames)
 * @param filterAltitudeThousandths xidfilter's instance: 385100 is 385100000
 */
public record ModelEnvironment(int build, int processors, long physicalPages, long filterAltitudeThousandths,
                               List<ResidentFilter> filters) {

    /** XM_MAX_RESIDENT_FILTERS. */
    public static final int MAX_FILTERS = 32;
    /** XM_RESIDENT_NAME_CHARS, with its NUL. */
    public static final int MAX_NAME_CHARS = 47;
    public static final int MIN_FRAME_BYTES = 16;
    public static final int MAX_FRAME_BYTES = 0x4000;

    public static final ModelEnvironment DEFAULT = new ModelEnvironment(19041, 2, 0x80000, 385_100_000L, List.of());

    /**
     * A filter loaded beside xidfilter: a minifilter instance at its altitude, or a legacy filter's device above the
     * filter manager's.
     *
     * @param frameBytes   the stack its pre-operation callback (a legacy filter: its dispatch routine) takes on an
     *                     operation it sees, x64: an assumption the caller states
     * @param skipPagingIo it registered with FLTFL_OPERATION_REGISTRATION_SKIP_PAGING_IO: paging I/O passes it by
     */
    public record ResidentFilter(String module, long altitudeThousandths, int frameBytes, boolean skipPagingIo,
                                 boolean legacy) {

        public ResidentFilter {
            if (module == null || module.isEmpty() || module.length() > MAX_NAME_CHARS || module.contains("\\")
                    || !module.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
                throw new IllegalArgumentException("a filter's module must be a file name of 1.." + MAX_NAME_CHARS
                        + " printable ASCII characters, not '" + module + "'");
            }
            if (frameBytes < MIN_FRAME_BYTES || frameBytes > MAX_FRAME_BYTES || frameBytes % 16 != 0) {
                throw new IllegalArgumentException(module + ": a frame of " + frameBytes + " bytes is none: x64 frames"
                        + " are multiples of 16, " + MIN_FRAME_BYTES + ".." + MAX_FRAME_BYTES);
            }
            if (altitudeThousandths <= 0 || altitudeThousandths > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException(module + ": altitude " + altitude(altitudeThousandths)
                        + " is out of range");
            }
            if (legacy && skipPagingIo) {
                throw new IllegalArgumentException(module + ": a legacy filter has no registration flags to skip"
                        + " paging I/O with (its dispatch routine sees every IRP)");
            }
        }

        /** "WdFilter.sys at 328010 (0x800 bytes)". */
        public String describe() {
            return module + (legacy ? " (legacy, above the filter manager)" : " at " + altitude(altitudeThousandths))
                    + " (0x" + Integer.toHexString(frameBytes) + " bytes" + (skipPagingIo ? ", skips paging I/O" : "")
                    + ")";
        }
    }

    public ModelEnvironment {
        filters = List.copyOf(filters);
        if (build < 1 || build > 0xFFFFFF) {
            throw new IllegalArgumentException("a Windows build is 1.." + 0xFFFFFF + ", not " + build);
        }
        if (processors < 1 || processors > 1024) {
            throw new IllegalArgumentException("processors must be 1..1024, not " + processors);
        }
        if (physicalPages < 0x100) {
            throw new IllegalArgumentException("physical memory of " + physicalPages + " pages is less than 1 MiB");
        }
        if (filterAltitudeThousandths <= 0 || filterAltitudeThousandths > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("xidfilter's altitude " + altitude(filterAltitudeThousandths)
                    + " is out of range");
        }
        if (filters.size() > MAX_FILTERS) {
            throw new IllegalArgumentException("the model holds at most " + MAX_FILTERS + " filters beside xidfilter,"
                    + " not " + filters.size());
        }
        Set<Long> altitudes = new HashSet<>();
        altitudes.add(filterAltitudeThousandths);
        for (ResidentFilter f : filters) {
            if (!f.legacy() && !altitudes.add(f.altitudeThousandths())) {
                throw new IllegalArgumentException(f.module() + " at " + altitude(f.altitudeThousandths())
                        + ": another instance (or xidfilter's) is at that altitude, which the filter manager refuses");
            }
        }
    }

    /** Thousandths of an altitude, from its decimal text ("385250.5"); more precision than that is refused. */
    public static long thousandths(BigDecimal altitude) {
        try {
            return altitude.movePointRight(3).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("altitude " + altitude.toPlainString() + " has more than three decimal"
                    + " places, which the model does not tell apart");
        }
    }

    /** "385250.5". */
    public static String altitude(long thousandths) {
        return BigDecimal.valueOf(thousandths, 3).stripTrailingZeros().toPlainString();
    }

    /**
     * "build 19041, 16 processors, 16384 MiB; xidfilter at 385100, beside it mssecflt.sys at 385600 (0x800 bytes,
     * above), ...".
     */
    public String describe() {
        String beside = filters.isEmpty() ? "alone" : "beside it " + filters.stream()
                .map(f -> f.describe() + (f.legacy() ? "" : f.altitudeThousandths() > filterAltitudeThousandths
                        ? " above" : " below"))
                .collect(Collectors.joining(", "));
        return String.format(Locale.ROOT, "build %d, %d processors, %d MiB; xidfilter at %s, %s", build, processors,
                physicalPages / 256, altitude(filterAltitudeThousandths), beside);
    }
}
