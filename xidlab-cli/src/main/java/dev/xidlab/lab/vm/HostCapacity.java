package dev.xidlab.lab.vm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What this host can give a guest: its logical processors and its physical memory (from /proc/meminfo; unknown
 * elsewhere). A site's machine is often bigger than the lab's host, and a guest sized past the host does not stand
 * for the site any better: Windows on more virtual CPUs than the host has stalls its clock watchdog (0x101 stops
 * that are the lab's, not the driver's), and memory past the host's swaps the host instead of paging the guest.
 */
public record HostCapacity(int processors, Optional<Integer> memoryMiB) {

    /** Left to the host and its other guests when a site's memory is larger than the host's. */
    static final int HOST_RESERVE_MIB = 2048;

    public static HostCapacity probe() {
        return new HostCapacity(Runtime.getRuntime().availableProcessors(), memInfoMiB(Path.of("/proc/meminfo")));
    }

    static Optional<Integer> memInfoMiB(Path meminfo) {
        try {
            for (String line : Files.readAllLines(meminfo)) {
                if (line.startsWith("MemTotal:")) {
                    return Optional.of((int) (Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Not Linux, or a meminfo without the line: the memory is not capped.
        }
        return Optional.empty();
    }

    /** The most memory a guest gets here: the host's less a reserve, never under the Vagrantfile's default. */
    Optional<Integer> guestMemoryLimitMiB() {
        return memoryMiB.map(m -> Math.max(2048, m - HOST_RESERVE_MIB));
    }
}
