package dev.xidlab.run;

import java.io.PrintWriter;

/** One line per finished run, for logs and CI consoles (on stderr, so --json stays clean). */
public final class PlainProgress implements Progress {

    private final PrintWriter err;
    private int total;
    private int done;

    public PlainProgress(PrintWriter err) {
        this.err = err;
    }

    @Override
    public void started(int pending, int alreadyDone) {
        total = pending;
        err.printf("matrix: %d runs to do%s%n", pending, alreadyDone > 0 ? ", " + alreadyDone + " already recorded" : "");
        err.flush();
    }

    @Override
    public void startedAdaptive(int budgetLeft, int alreadyDone) {
        total = budgetLeft;
        err.printf("matrix: adaptive, at most %d runs to do%s%n", budgetLeft,
                alreadyDone > 0 ? ", " + alreadyDone + " already recorded" : "");
        err.flush();
    }

    @Override
    public void settled(int saved) {
        if (saved > 0) {
            err.printf("matrix: every verdict settled after %d runs; %d runs of the budget saved%n", done, saved);
        } else {
            err.printf("matrix: the run budget is spent%n");
        }
        err.flush();
    }

    @Override
    public void finished(RunRecord r, int crashesSoFar) {
        done++;
        String what = switch (r.outcome()) {
            case BUGCHECKED -> "bugchecked " + r.crash().orElseThrow().bugcheck() + (r.isReentry() ? " (re-entry)" : "");
            case HUNG -> "hung: " + r.hang().orElseThrow().reason();
            case LAB_ERROR -> "lab error: " + r.error().orElseThrow() + " (evidence: " + r.slot().evidencePath() + ")";
            case SURVIVED -> "survived " + r.operations() + " operations";
        };
        err.printf("matrix: %d/%d %s: %s; %d crashes so far%n", done, total, r.id(), what, crashesSoFar);
        err.flush();
    }

    @Override
    public void close() {
        err.flush();
    }
}
