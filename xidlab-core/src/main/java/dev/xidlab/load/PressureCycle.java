package dev.xidlab.load;

import java.util.Map;

/**
 * One cycle of memory pressure in a Windows load, as the load's JSON reports it: what was held, each step's
 * NTSTATUS, and the paged pool's resident bytes (\Memory\Pool Paged Resident Bytes) before and after, or -1 when
 * the counter could not be read, so a run shows whether the pressure reached the paged pool at all.
 */
public record PressureCycle(int cycle, long heldBytes, Map<String, String> statuses, long pagedPoolResidentBefore,
                            long pagedPoolResidentAfter) {

    public PressureCycle {
        statuses = Map.copyOf(statuses);
    }
}
