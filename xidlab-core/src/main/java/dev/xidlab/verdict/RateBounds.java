package dev.xidlab.verdict;

import org.apache.commons.numbers.gamma.LogBeta;
import org.apache.commons.statistics.distribution.BetaDistribution;
import org.apache.commons.statistics.distribution.BinomialDistribution;
import org.apache.commons.statistics.inference.AlternativeHypothesis;
import org.apache.commons.statistics.inference.BinomialTest;

/**
 * One-sided 95% bounds for a rate of events in trials, and the paired test of a fix against the baseline.
 *
 * <p>Exact bounds are Clopper and Pearson's (Biometrika 26, 1934): valid for a number of trials fixed before the
 * first one is looked at. Anytime bounds are valid however often they are looked at and whenever the trials stop,
 * which an adaptive matrix needs: they come from the confidence sequence of Robbins' beta-binomial mixture
 * ("Statistical methods related to the law of the iterated logarithm", Ann. Math. Statist. 41, 1970; Howard,
 * Ramdas, McAuliffe and Sekhon, "Time-uniform, nonparametric, nonasymptotic confidence sequences", Ann. Statist.
 * 49, 2021, section 3). For each candidate rate q, M_n(q) = B(1 + x, 1 + n - x) / (q^x (1 - q)^(n - x)), the
 * likelihood of x events in n trials under a uniform mixture of rates against q, is a nonnegative martingale with
 * mean 1 when q is the true rate; by Ville's inequality it ever reaches 1/alpha with probability at most alpha. The
 * rates it has not ruled out, {q : M_n(q) < 1/alpha}, form an interval that holds the true rate at every n at once
 * with probability at least 95%; its ends are the anytime bounds.
 */
public final class RateBounds {

    public static final double CONFIDENCE = 0.95;
    static final double ALPHA = 1 - CONFIDENCE;

    private static final double LOG_ONE_OVER_ALPHA = Math.log(1 / ALPHA);
    private static final BinomialTest MCNEMAR = BinomialTest.withDefaults()
            .with(AlternativeHypothesis.GREATER_THAN);

    private RateBounds() {
    }

    /** The exact one-sided 95% upper bound: 1 when there are no trials. */
    public static double exactUpper(int events, int trials) {
        check(events, trials);
        if (events == trials) {
            return 1;
        }
        // Without events the bound has a closed form: (1 - u)^n = alpha.
        return events == 0 ? -Math.expm1(Math.log(ALPHA) / trials)
                : BetaDistribution.of(events + 1.0, trials - events).inverseCumulativeProbability(CONFIDENCE);
    }

    /** The exact one-sided 95% lower bound: 0 without events. */
    public static double exactLower(int events, int trials) {
        check(events, trials);
        if (events == 0) {
            return 0;
        }
        // With every trial an event: l^n = alpha.
        return events == trials ? Math.exp(Math.log(ALPHA) / trials)
                : BetaDistribution.of(events, trials - events + 1.0).inverseCumulativeProbability(ALPHA);
    }

    /**
     * Whether the exact lower bound is above {@code rate}, without computing the bound: by the duality of the
     * Clopper-Pearson interval, it is exactly when {@code events} or more are less likely than alpha at that rate.
     */
    public static boolean exactLowerAbove(int events, int trials, double rate) {
        check(events, trials);
        return events > 0 && BinomialDistribution.of(trials, rate).survivalProbability(events - 1) < ALPHA;
    }

    /**
     * Whether the mixture has ruled {@code rate} out after {@code events} in {@code trials}: the anytime bounds are
     * where this changes, so the lower bound is above a rate under the observed one exactly when it is ruled out.
     */
    public static boolean anytimeRulesOut(int events, int trials, double rate) {
        check(events, trials);
        return logMixture(events, trials, rate) >= LOG_ONE_OVER_ALPHA;
    }

    /** The anytime lower bound: the least rate the mixture has not ruled out. */
    public static double anytimeLower(int events, int trials) {
        check(events, trials);
        return events == 0 ? 0 : root(events, trials, 0, (double) events / trials);
    }

    /** The anytime upper bound: the greatest rate the mixture has not ruled out. */
    public static double anytimeUpper(int events, int trials) {
        check(events, trials);
        return events == trials ? 1 : root(events, trials, 1, (double) events / trials);
    }

    /**
     * The least n with (1 - threshold)^n < {@code alpha}: the clean trials that rule out a rate at the threshold
     * at that level (a share of the 5% when it is spread over several fixes).
     */
    public static int cleanTrials(double threshold, double alpha) {
        int n = Math.max(1, (int) Math.floor(Math.log(alpha) / Math.log1p(-threshold)));
        while (Math.pow(1 - threshold, n) >= alpha) {
            n++;
        }
        while (n > 1 && Math.pow(1 - threshold, n - 1) < alpha) {
            n--;
        }
        return n;
    }

    /**
     * How many trials without an event put the exact upper bound under {@code threshold}: the least n with
     * 1 - alpha^(1/n) < threshold, so that a rate at the threshold gives n clean trials with probability
     * (1 - threshold)^n <= alpha.
     */
    public static int cleanTrialsToBound(double threshold) {
        int n = Math.max(1, (int) Math.floor(Math.log(ALPHA) / Math.log(1 - threshold)));
        while (exactUpper(0, n) >= threshold) {
            n++;
        }
        while (n > 1 && exactUpper(0, n - 1) < threshold) {
            n--;
        }
        return n;
    }

    /**
     * McNemar's exact test, one-sided, of runs paired by their seed: the p-value of the fix failing at least as
     * often as the baseline reproduces, from the discordant pairs alone (the runs where the baseline re-entered
     * and the fix held, and those where the fix failed and the baseline did not). Under the null each discordant
     * pair goes either way with probability 1/2. Small means the runs tell the fix apart from the baseline.
     */
    public static double mcnemarPValue(int baselineOnly, int fixOnly) {
        check(baselineOnly, baselineOnly + fixOnly);
        return baselineOnly + fixOnly == 0 ? 1 : MCNEMAR.test(baselineOnly + fixOnly, baselineOnly, 0.5).getPValue();
    }

    /** log M_n(q), the mixture's evidence against the rate q after {@code events} in {@code trials}. */
    static double logMixture(int events, int trials, double q) {
        return LogBeta.value(1.0 + events, 1.0 + trials - events) - events * Math.log(q)
                - (trials - events) * Math.log1p(-q);
    }

    /**
     * The rate between {@code outer} and the observed rate where the evidence reaches 1/alpha. The evidence falls
     * monotonically from either end of (0, 1) to its minimum at the observed rate, where it is below 1/alpha
     * (at most 1), so bisection finds the one crossing on that side.
     */
    private static double root(int events, int trials, double outer, double observed) {
        double inside = observed;
        double out = outer;
        for (int i = 0; i < 200 && Math.abs(out - inside) > 1e-12; i++) {
            double mid = (inside + out) / 2;
            if (anytimeRulesOut(events, trials, mid)) {
                out = mid;
            } else {
                inside = mid;
            }
        }
        return inside;
    }

    private static void check(int events, int trials) {
        if (trials < 0 || events < 0 || events > trials) {
            throw new IllegalArgumentException(events + " events in " + trials + " trials");
        }
    }
}
