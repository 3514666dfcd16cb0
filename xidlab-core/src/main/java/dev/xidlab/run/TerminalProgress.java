package dev.xidlab.run;

import java.io.PrintStream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar with runs done, crashes so far and the ETA, for a person at a terminal (on stderr). */
public final class TerminalProgress implements Progress {

    private final PrintStream err;
    private ProgressBar bar;

    public TerminalProgress(PrintStream err) {
        this.err = err;
    }

    @Override
    public void started(int pending, int alreadyDone) {
        bar = new ProgressBarBuilder().setTaskName("matrix").setInitialMax(pending)
                .setStyle(ProgressBarStyle.ASCII).setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(err))
                .setUpdateIntervalMillis(200).showSpeed().build();
        if (alreadyDone > 0) {
            bar.setExtraMessage(alreadyDone + " resumed");
        }
    }

    @Override
    public void finished(RunRecord record, int crashesSoFar) {
        bar.step();
        bar.setExtraMessage(crashesSoFar + " crashes");
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
