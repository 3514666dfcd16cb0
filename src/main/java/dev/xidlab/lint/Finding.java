package dev.xidlab.lint;

import java.util.List;

/**
 * One thing a rule found in one driver.
 *
 * @param address the callback's address (with the image base): the function the finding is about; 0 for none
 * @param fileOffset where that function's first byte lies in the file; -1 for none
 * @param path the evidence: the callback, each function called on the way, and what was reached at the end
 * @param why for XL001, why the import is on the risky list; else empty
 */
public record Finding(Rule rule, String message, long address, long fileOffset, List<String> path, String why) {

    public Finding {
        path = List.copyOf(path);
    }
}
