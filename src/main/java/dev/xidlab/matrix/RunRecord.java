package dev.xidlab.matrix;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One finished run, as one line of results.jsonl. Written the moment the run ends, so a killed matrix loses at
 * most the run in flight.
 *
 * @param outcome "survived", "bugchecked", "hung" or "lab-error"
 * @param dump the dump kept for a crash, relative to the report directory
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunRecord(String type, String config, String role, int run, long seed, String outcome,
                        String bugcheck, String bugcheckName, List<String> parameters, Boolean reentry,
                        String crashModule, Integer recursionDepth, List<String> stack, String dump,
                        long operations, long elapsedMillis, Integer maxNestingDepth, Integer minRemainingStack,
                        Long callbacks, Long pagingIoCallbacks, Long guardSkips, String error) {

    public static final String SURVIVED = "survived";
    public static final String BUGCHECKED = "bugchecked";
    public static final String HUNG = "hung";
    public static final String LAB_ERROR = "lab-error";

    public String id() {
        return config + "#" + run;
    }

    public boolean crashed() {
        return BUGCHECKED.equals(outcome);
    }

    public boolean hung() {
        return HUNG.equals(outcome);
    }

    public boolean isReentry() {
        return crashed() && Boolean.TRUE.equals(reentry);
    }

    public boolean labError() {
        return LAB_ERROR.equals(outcome);
    }
}
