package dev.xidlab.matrix;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The first line of results.jsonl: which plan and lab the runs below belong to. {@code adaptive} is written only
 * for an adaptive matrix (true), so the header of a fixed one reads as every earlier version wrote it; on the
 * kernel model {@code model} is its options with the named assumptions its runs rest on (absent on other labs
 * and in older files).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResultsHeader(String type, int format, String plan, String fingerprint, String lab, String created,
                            Boolean adaptive, String model) {

    public static final int FORMAT = 1;

    public boolean adaptiveRuns() {
        return Boolean.TRUE.equals(adaptive);
    }
}
