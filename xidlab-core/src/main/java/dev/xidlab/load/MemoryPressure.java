package dev.xidlab.load;

/**
 * How hard a lab pushes pageable kernel memory out while the load runs. Each cycle takes a share of memory (a
 * touched allocation on Windows; a demand on the kernel model's working set, met from the standby list and by
 * trimming the oldest pages); {@code low} and {@code high} then also empty the working sets, flush the modified
 * list and purge the standby list (RAMMap's "Empty" commands), so every pageable page is in the pagefile and its
 * next touch is a hard fault: the quick, strong pressure. {@code aging-low} and {@code aging-high} take the
 * memory only, and the working set manager decides by age what goes, as on a busy machine in the field.
 */
public enum MemoryPressure {
    NONE(0, false),
    LOW(25, true),
    HIGH(75, true),
    AGING_LOW(45, false),
    AGING_HIGH(55, false);

    private final int percent;
    private final boolean purgesLists;

    MemoryPressure(int percent, boolean purgesLists) {
        this.percent = percent;
        this.purgesLists = purgesLists;
    }

    /** The share of pageable memory each pressure cycle takes. */
    public int percent() {
        return percent;
    }

    /** Whether each cycle also empties the working sets and purges the standby and modified lists. */
    public boolean purgesLists() {
        return purgesLists;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
