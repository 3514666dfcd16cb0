package dev.xidlab.matrix;

import org.apache.commons.statistics.distribution.BetaDistribution;

/** An exact (Clopper-Pearson) confidence interval for a rate of x events in n trials. */
public record Interval(int events, int trials, double rate, double lower, double upper) {

    public static final double CONFIDENCE = 0.95;

    public static Interval clopperPearson(int events, int trials) {
        if (trials < 0 || events < 0 || events > trials) {
            throw new IllegalArgumentException(events + " events in " + trials + " trials");
        }
        if (trials == 0) {
            return new Interval(0, 0, 0, 0, 1);
        }
        double alpha = 1 - CONFIDENCE;
        double lower = events == 0 ? 0
                : BetaDistribution.of(events, trials - events + 1.0).inverseCumulativeProbability(alpha / 2);
        double upper = events == trials ? 1
                : BetaDistribution.of(events + 1.0, trials - events).inverseCumulativeProbability(1 - alpha / 2);
        return new Interval(events, trials, (double) events / trials, lower, upper);
    }

    /**
     * How many crash-free trials in all put the upper bound below the threshold: with none seen, the bound is
     * 1 - (alpha/2)^(1/n).
     */
    public static int trialsToBound(double threshold) {
        double alpha = 1 - CONFIDENCE;
        int n = (int) Math.ceil(Math.log(alpha / 2) / Math.log(1 - threshold));
        while (clopperPearson(0, n).upper() >= threshold) {
            n++;
        }
        while (n > 1 && clopperPearson(0, n - 1).upper() < threshold) {
            n--;
        }
        return n;
    }
}
