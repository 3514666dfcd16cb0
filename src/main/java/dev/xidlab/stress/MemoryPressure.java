package dev.xidlab.stress;

/**
 * How hard a lab pushes pageable kernel memory out while the load runs. Each lab maps the level onto its own
 * mechanism: the kernel model evicts that share of its system working set; a Windows guest trims working sets,
 * purges the standby list and holds touched allocations.
 */
public enum MemoryPressure {
    NONE(0),
    LOW(25),
    HIGH(75);

    private final int percent;

    MemoryPressure(int percent) {
        this.percent = percent;
    }

    /** The share of pageable memory each pressure cycle aims to push out. */
    public int percent() {
        return percent;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
