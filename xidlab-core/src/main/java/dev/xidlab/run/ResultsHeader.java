package dev.xidlab.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.xidlab.plan.Shard;

/**
 * The first line of results.jsonl: which plan and lab the runs below belong to. {@code adaptive} is written only
 * for an adaptive matrix (true), so the header of a fixed one reads as every earlier version wrote it; on the
 * kernel model {@code model} is its options with the named assumptions its runs rest on (absent on other labs
 * and in older files).
 *
 * <p>The limits the matrix was planned with are part of it (absent in files of earlier versions): {@code runs} per
 * configuration, which a fixed matrix keeps on resume (runs added after a look are another look), and
 * {@code threshold} and {@code maxCoverageLoss}, which resume and merge keep (finished results re-judged with
 * looser limits would confirm what the planned ones did not), and {@code chooseAmongFixes} (written only when
 * true), whose verdicts hold for the fixes together. {@code shard} is the slice "i/n" the file holds, absent for a
 * whole matrix, so a merge can require every shard exactly once.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResultsHeader(String type, int format, String plan, String fingerprint, String lab, String created,
                            Boolean adaptive, String model, String shard, Integer runs, Double threshold,
                            Double maxCoverageLoss, Boolean chooseAmongFixes) {

    public static final int FORMAT = 1;

    public boolean adaptiveRuns() {
        return Boolean.TRUE.equals(adaptive);
    }

    public boolean choosingAmongFixes() {
        return Boolean.TRUE.equals(chooseAmongFixes);
    }

    /** The slice of the plan the file holds: the whole matrix when the header names none. */
    public Shard slice() {
        return shard == null ? Shard.WHOLE : Shard.parse(shard);
    }
}
