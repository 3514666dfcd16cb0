package dev.xidlab.lint;

import java.util.List;
import java.util.Optional;

/**
 * One thing a rule found in one driver.
 *
 * @param at the function the finding is about (the callback), when there is one
 * @param path the evidence: the callback, each function called on the way, and what was reached at the end
 * @param why for XL001, why the import is on the risky list; else empty
 */
public record Finding(Rule rule, String message, Optional<Location> at, List<String> path, String why) {

    public Finding {
        path = List.copyOf(path);
    }

    /**
     * Where a function lies: its address with the image base, its first byte's offset in the file (-1 when the file
     * holds none) and its length from .pdata (0 when no entry covers it).
     */
    public record Location(long address, long fileOffset, long length) {
    }
}
