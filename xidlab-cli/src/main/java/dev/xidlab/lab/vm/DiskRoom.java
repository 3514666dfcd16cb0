package dev.xidlab.lab.vm;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Room on the guest's system drive for what a bugcheck needs there: the pagefile (guest-setup.ps1 makes it the
 * guest's memory + {@value #PAGEFILE_HEADROOM_MIB} MiB; the kernel dump is written into it) and {@code MEMORY.DMP},
 * which Windows makes from it at the next boot, at most the guest's memory. Both grow with the memory, which a
 * site's sizing can raise. The guest prints the figures ({@link #SCRIPT}); the host weighs them here, where it can
 * be tested.
 *
 * @param freeBytes         free space on C:
 * @param memoryBytes       the memory Windows sees
 * @param pagefileBytes     the pagefiles on C: as allocated now (they are replaced, so their room counts)
 * @param dumpBytes         MEMORY.DMP as it is now (overwritten by the next one, so its room counts)
 * @param dumpOnSystemDrive whether CrashControl's DumpFile is on C:
 */
record DiskRoom(long freeBytes, long memoryBytes, long pagefileBytes, long dumpBytes, boolean dumpOnSystemDrive) {

    /** What guest-setup.ps1 adds to the memory for the pagefile's initial size. */
    static final long PAGEFILE_HEADROOM_MIB = 512;
    private static final long MIB = 1 << 20;

    /** One line of figures in bytes: free, memory, pagefile, dump, and the dump file's drive. */
    static final String SCRIPT = "$c = Get-CimInstance Win32_LogicalDisk -Filter \"DeviceID='C:'\"\n"
            + "$cs = Get-CimInstance Win32_ComputerSystem\n"
            + "$pf = (Get-CimInstance Win32_PageFileUsage | Where-Object { $_.Name -like 'C:\\*' }"
            + " | Measure-Object AllocatedBaseSize -Sum).Sum\n"
            + "$cc = Get-ItemProperty 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\CrashControl'\n"
            + "$full = [Environment]::ExpandEnvironmentVariables($cc.DumpFile)\n"
            + "$dump = 0; if ($full -and (Test-Path $full)) { $dump = (Get-Item $full).Length }\n"
            + "$drive = if ($full) { $full.Substring(0, 2) } else { '' }\n"
            + "\"free={0} memory={1} pagefile={2} dump={3} dumpdrive={4}\" -f $c.FreeSpace, $cs.TotalPhysicalMemory,"
            + " ([long]$pf * 1MB), $dump, $drive";

    /** The figures {@link #SCRIPT} printed, or empty when its answer is not that line. */
    static Optional<DiskRoom> parse(String answer) {
        Map<String, String> fields = new HashMap<>();
        for (String token : answer.strip().split("\\s+")) {
            int eq = token.indexOf('=');
            if (eq > 0) {
                fields.put(token.substring(0, eq), token.substring(eq + 1));
            }
        }
        try {
            return Optional.of(new DiskRoom(Long.parseLong(fields.get("free")), Long.parseLong(fields.get("memory")),
                    Long.parseLong(fields.get("pagefile")), Long.parseLong(fields.get("dump")),
                    fields.getOrDefault("dumpdrive", "").equalsIgnoreCase("C:")));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The memory the check is for: the guest's, or the lab's planned size when that is more (it applies at boot). */
    long memoryMiB(OptionalInt plannedMiB) {
        long seen = (memoryBytes + MIB - 1) / MIB;
        return Math.max(seen, plannedMiB.orElse(0));
    }

    long neededMiB(OptionalInt plannedMiB) {
        long memory = memoryMiB(plannedMiB);
        return memory + PAGEFILE_HEADROOM_MIB + (dumpOnSystemDrive ? memory : 0);
    }

    long availableMiB() {
        return (freeBytes + pagefileBytes + (dumpOnSystemDrive ? dumpBytes : 0)) / MIB;
    }

    /** How much C: lacks for them, 0 when it has room. */
    long missingMiB(OptionalInt plannedMiB) {
        return Math.max(0, neededMiB(plannedMiB) - availableMiB());
    }

    /** The doctor's finding: what is needed, what is there, and how much is missing. */
    GuestCheck.Judged judge(OptionalInt plannedMiB) {
        long memory = memoryMiB(plannedMiB);
        String what = "the pagefile (" + (memory + PAGEFILE_HEADROOM_MIB) + " MiB)"
                + (dumpOnSystemDrive ? " and MEMORY.DMP (" + memory + " MiB)" : "") + " at " + memory
                + " MiB of memory need " + neededMiB(plannedMiB) + " MiB; C: has " + availableMiB() + " MiB for them"
                + " (free " + freeBytes / MIB + ", the present pagefile " + pagefileBytes / MIB
                + (dumpOnSystemDrive ? ", the present MEMORY.DMP " + dumpBytes / MIB : "") + ")";
        long missing = missingMiB(plannedMiB);
        return missing == 0 ? new GuestCheck.Judged(true, what)
                : new GuestCheck.Judged(false, missing + " MiB missing: " + what);
    }
}
