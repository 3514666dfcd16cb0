package dev.xidlab.lab.vm;

import java.util.ArrayList;
import java.util.List;

/**
 * A crash dump file in the guest as its directory listing shows it. {@code stamp} is the guest's own
 * last-write mark, compared only for equality (a MEMORY.DMP overwritten by a new crash keeps its name), never
 * against the host's clock.
 */
public record GuestDump(String name, String guestPath, long size, String stamp, boolean kernelDump) {

    /**
     * The dumps in a listing as {@link GuestOs#listDumpsScript} prints it, whatever the guest: a line a dump, its
     * path, size and stamp separated by tabs, and a fourth field {@code kernel} on a kernel memory dump. Any other
     * line (a Windows guest's CrashDumpEnabled line, a warning its shell printed) is not a dump and is skipped.
     */
    static List<GuestDump> parseListing(String listing) {
        List<GuestDump> dumps = new ArrayList<>();
        for (String line : listing.lines().map(String::strip).toList()) {
            String[] f = line.split("\t");
            if (f.length < 3) {
                continue;
            }
            try {
                String name = f[0].substring(f[0].lastIndexOf('/') + 1);
                boolean kernel = f.length > 3 && f[3].strip().equals("kernel");
                dumps.add(new GuestDump(name, f[0], Long.parseLong(f[1].strip()), f[2].strip(), kernel));
            } catch (NumberFormatException e) {
                // Not a listing line: skipped.
            }
        }
        return dumps;
    }
}
