package dev.xidlab.site;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;

/**
 * A file-system filter loaded beside ours at a site: a minifilter instance at its altitude, or (legacy) a filter
 * device attached above the filter manager's.
 *
 * @param group        its load order group: the altitude's, unless the plan names one
 * @param frameBytes   the stack its callback takes, when the plan states it for this filter; otherwise the plan's
 *                     figure for its group, otherwise the group's assumed one
 * @param skipPagingIo it registered with SKIP_PAGING_IO, so paging I/O passes it by
 */
public record ResidentFilter(String module, BigDecimal altitude, FilterGroup group, Optional<Integer> frameBytes,
                             boolean skipPagingIo, boolean legacy) {

    public ResidentFilter {
        if (module == null || module.isBlank()) {
            throw new IllegalArgumentException("a filter needs its module's file name");
        }
        if (altitude.signum() <= 0) {
            throw new IllegalArgumentException(module + ": altitude " + altitude.toPlainString() + " is not one");
        }
    }

    /** A filter of the table, as a dump shows it loaded: at its allocated altitude, the group's assumed frame. */
    public static ResidentFilter of(KnownFilter known) {
        return new ResidentFilter(known.module(), known.altitude(), known.group(), Optional.empty(), false, false);
    }

    /** The stack its callback takes on the model: its own figure, the plan's for its group, or the group's. */
    public int frameBytes(Map<FilterGroup, Integer> groupFrames) {
        return frameBytes.orElse(groupFrames.getOrDefault(group, group.frameBytes()));
    }

    /** Above ours: its callbacks run before ours at every level. A legacy filter is above the filter manager. */
    public boolean above(BigDecimal ours) {
        return legacy || altitude.compareTo(ours) > 0;
    }
}
