package dev.xidlab.matrix;

import dev.xidlab.plan.Plan;
import dev.xidlab.plan.PlanException;
import dev.xidlab.plan.PlannedRun;
import dev.xidlab.plan.Shard;
import dev.xidlab.run.ResultsFile;
import dev.xidlab.run.ResultsHeader;
import dev.xidlab.run.RunRecord;
import dev.xidlab.verdict.AdaptiveSchedule;
import dev.xidlab.verdict.MatrixSummary;
import dev.xidlab.verdict.VerdictCalculator;
import dev.xidlab.verdict.VerdictRules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The results of one matrix put together from the files its shards wrote. A verdict over a chosen subset of the
 * shards (those where a fix did not crash) or over a killed shard's partial results would be a verdict over
 * chosen runs, so a merge takes every shard i/n of the same plan exactly once, each complete (every run planned
 * for it recorded), and refuses anything else, naming what is missing. A whole matrix is its one shard 1/1.
 */
public final class ShardMerge {

    /** Every run once, and the lab and run mode the shards share. */
    public record Merged(List<RunRecord> records, String lab, boolean adaptive) {

        public Merged {
            records = List.copyOf(records);
        }

        public MatrixSummary summary(Plan plan) {
            return VerdictCalculator.summarize(plan, lab, records, adaptive);
        }
    }

    private ShardMerge() {
    }

    /** Results files, or report directories holding one. */
    public static Merged merge(Plan plan, List<Path> inputs) throws IOException, PlanException {
        Map<Integer, Path> shards = new TreeMap<>();
        Map<String, RunRecord> runsById = new LinkedHashMap<>();
        String lab = null;
        Boolean adaptive = null;
        int count = 0;
        for (Path input : inputs) {
            Path file = Files.isDirectory(input) ? input.resolve(MatrixSession.RESULTS) : input;
            ResultsFile.Contents contents = ResultsFile.read(file);
            ResultsHeader header = contents.header();
            lab = lab == null ? header.lab() : lab;
            ResultsFile.requireSame(file, header, plan, lab);
            ResultsFile.requireSameLimits(file, header, plan);
            if (header.runs() != null && header.runs() != plan.runs()) {
                throw new PlanException(file + " was planned with " + header.runs() + " runs per configuration,"
                        + " not " + plan.runs() + ": merge with the runs it was planned with (--runs "
                        + header.runs() + ")");
            }
            if (adaptive != null && adaptive != header.adaptiveRuns()) {
                throw new PlanException(file + " was run " + (header.adaptiveRuns() ? "adaptive" : "fixed")
                        + " and the results before it " + (adaptive ? "adaptive" : "fixed")
                        + ": their bounds differ, refusing to mix them");
            }
            adaptive = header.adaptiveRuns();
            Shard shard = header.slice();
            if (count != 0 && shard.count() != count) {
                throw new PlanException(file + " is shard " + shard.label() + ", and " + shards.values().iterator()
                        .next() + " is of " + count + " shards: the shards of one matrix split it the same way");
            }
            count = shard.count();
            Path earlier = shards.putIfAbsent(shard.index(), file);
            if (earlier != null) {
                throw new PlanException("shard " + shard.label() + " is given twice (" + earlier + " and " + file
                        + "): each shard is merged exactly once");
            }
            requireComplete(plan, file, shard, contents.runs(), header.adaptiveRuns());
            for (RunRecord r : contents.runs()) {
                runsById.putIfAbsent(r.id(), r);
            }
        }
        int n = count;
        List<String> missing = IntStream.rangeClosed(1, n).filter(i -> !shards.containsKey(i))
                .mapToObj(i -> i + "/" + n).toList();
        if (!missing.isEmpty()) {
            throw new PlanException((missing.size() == 1 ? "shard " + missing.get(0) + " is missing"
                    : "shards " + String.join(", ", missing) + " are missing") + ": a merge takes every shard of"
                    + " the matrix exactly once (a verdict over some of them is a verdict over chosen runs)");
        }
        return new Merged(new ArrayList<>(runsById.values()), lab, adaptive);
    }

    /**
     * Every run planned for the shard is recorded, and nothing else: a fixed plan's slice, or an adaptive
     * matrix's schedule run to its end.
     */
    private static void requireComplete(Plan plan, Path file, Shard shard, List<RunRecord> runs, boolean adaptive)
            throws PlanException {
        String resume = "finish it first (xidlab matrix --resume" + (shard.whole() ? "" : " --shard " + shard.label())
                + " with its --report directory)";
        if (adaptive) {
            if (!new AdaptiveSchedule(plan, VerdictRules.of(plan, true), runs).finished()) {
                throw new PlanException(file + " is an adaptive matrix that stopped before its verdicts were settled"
                        + " or its budget spent: " + resume);
            }
            return;
        }
        List<PlannedRun> planned = shard.slice(plan.expand());
        Set<String> plannedIds = planned.stream().map(PlannedRun::id).collect(Collectors.toSet());
        Set<String> recorded = runs.stream().map(RunRecord::id).collect(Collectors.toSet());
        List<String> absent = planned.stream().map(PlannedRun::id).filter(id -> !recorded.contains(id)).toList();
        if (!absent.isEmpty()) {
            throw new PlanException("shard " + shard.label() + " (" + file + ") is incomplete: " + absent.size()
                    + " of its " + planned.size() + " planned runs are missing (" + String.join(", ",
                    absent.subList(0, Math.min(5, absent.size()))) + (absent.size() > 5 ? ", ..." : "") + "): "
                    + resume);
        }
        List<String> foreign = runs.stream().map(RunRecord::id).filter(id -> !plannedIds.contains(id)).toList();
        if (!foreign.isEmpty()) {
            throw new PlanException(file + " holds run " + foreign.get(0) + ", which is not one of shard "
                    + shard.label() + "'s: refusing to merge runs from elsewhere");
        }
    }
}
