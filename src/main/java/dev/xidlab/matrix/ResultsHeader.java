package dev.xidlab.matrix;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The first line of results.jsonl: which plan and lab the runs below belong to. {@code adaptive} is written only
 * for an adaptive matrix (true), so the header of a fixed one reads as every earlier version wrote it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResultsHeader(String type, int format, String plan, String fingerprint, String lab, String created,
                            Boolean adaptive) {

    public static final int FORMAT = 1;

    public boolean adaptiveRuns() {
        return Boolean.TRUE.equals(adaptive);
    }
}
