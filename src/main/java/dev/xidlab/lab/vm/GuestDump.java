package dev.xidlab.lab.vm;

/**
 * A crash dump file in the guest as its directory listing shows it. {@code stamp} is the guest's own
 * last-write mark, compared only for equality (a MEMORY.DMP overwritten by a new crash keeps its name), never
 * against the host's clock.
 */
public record GuestDump(String name, String guestPath, long size, String stamp, boolean kernelDump) {
}
