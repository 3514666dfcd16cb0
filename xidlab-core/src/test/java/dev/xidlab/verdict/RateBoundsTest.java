package dev.xidlab.verdict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * One-sided 95% bounds against closed forms and published values (one-sided 95% bounds are the ends of the
 * two-sided 90% Clopper-Pearson interval, as R's binom.test(x, n, conf.level = 0.9) prints it).
 */
class RateBoundsTest {

    @Test
    void noEventsInFortyTrialsBoundTheRateAtSevenPointTwoPercent() {
        assertEquals(1 - Math.pow(0.05, 1.0 / 40), RateBounds.exactUpper(0, 40), 1e-12);
        assertEquals(0.0722, RateBounds.exactUpper(0, 40), 1e-4);
        assertEquals(0.0, RateBounds.exactLower(0, 40));
    }

    @Test
    void everyTrialAnEventBoundsTheRateFromBelow() {
        assertEquals(Math.pow(0.05, 1.0 / 40), RateBounds.exactLower(40, 40), 1e-12);
        assertEquals(1.0, RateBounds.exactUpper(40, 40));
    }

    @Test
    void fiveInTwentyMatchesThePublishedNinetyPercentInterval() {
        assertEquals(0.1040, RateBounds.exactLower(5, 20), 1e-4);
        assertEquals(0.4556, RateBounds.exactUpper(5, 20), 1e-4);
    }

    @Test
    void oneInTenMatchesThePublishedNinetyPercentInterval() {
        assertEquals(0.0051, RateBounds.exactLower(1, 10), 1e-4);
        assertEquals(0.3942, RateBounds.exactUpper(1, 10), 1e-4);
    }

    @Test
    void crashFreeTrialsNeededForATenPercentBoundAreTwentyNine() {
        assertEquals(29, RateBounds.cleanTrialsToBound(0.10));
        assertEquals(59, RateBounds.cleanTrialsToBound(0.05));
        assertTrue(Math.pow(0.9, 29) <= 0.05 && Math.pow(0.9, 28) > 0.05, "the least n with 0.9^n <= alpha");
    }

    @Test
    void theAnytimeBoundOfAllEventsHasItsClosedForm() {
        // x = n: M_n(q) = 1 / ((n + 1) q^n), which is 1/alpha at q = (alpha / (n + 1))^(1/n).
        assertEquals(Math.pow(0.05 / 41, 1.0 / 40), RateBounds.anytimeLower(40, 40), 1e-9);
        assertEquals(1 - Math.pow(0.05 / 41, 1.0 / 40), RateBounds.anytimeUpper(0, 40), 1e-9);
    }

    @Test
    void theAnytimeBoundsAreWiderThanTheExactOnesTheirPriceForLookingAfterEveryRun() {
        for (int[] xn : new int[][] {{1, 10}, {5, 20}, {12, 40}, {30, 300}}) {
            assertTrue(RateBounds.anytimeLower(xn[0], xn[1]) < RateBounds.exactLower(xn[0], xn[1]));
            assertTrue(RateBounds.anytimeUpper(xn[0], xn[1]) > RateBounds.exactUpper(xn[0], xn[1]));
        }
    }

    @Test
    void twoReentryCrashesInTwoRunsAlreadyRuleOutATenPercentRateAtAnyTime() {
        assertTrue(RateBounds.anytimeLower(2, 2) > 0.10);
        assertTrue(RateBounds.anytimeLower(1, 1) < 0.10);
    }

    @Test
    void mcnemarsTestTellsFortyCrashesFromNoneButNotOneFromNone() {
        // 40 pairs where the baseline crashed and the fix held: each went the baseline's way with probability 1/2.
        assertEquals(Math.pow(0.5, 40), RateBounds.mcnemarPValue(40, 0), 1e-24);
        assertEquals(0.5, RateBounds.mcnemarPValue(1, 0), 1e-12);
        assertEquals(1.0, RateBounds.mcnemarPValue(0, 0), "no discordant pair: nothing tells them apart");
    }

    @Test
    void mcnemarsTestCountsOnlyTheDiscordantPairs() {
        // 10 pairs the baseline's way, 2 the fix's: P(X >= 10) for X ~ Bin(12, 1/2) = (1 + 12 + 66) / 4096.
        assertEquals(79.0 / 4096, RateBounds.mcnemarPValue(10, 2), 1e-12);
    }

    @Test
    void cleanTrialsAtTheFullLevelAreThoseOfTheExactBound() {
        for (double t : new double[] {0.01, 0.05, 0.1, 0.2, 0.5}) {
            assertEquals(RateBounds.cleanTrialsToBound(t), RateBounds.cleanTrials(t, 0.05), "threshold " + t);
        }
        // Holm over 4 fixes needs the first of them under 5% / 4 = 1.25%: 0.9^42 = 1.2%.
        assertEquals(42, RateBounds.cleanTrials(0.1, 0.05 / 4));
    }

    @Test
    void theSeparationTestsAgreeWithTheBoundsTheyStandFor() {
        for (boolean adaptive : new boolean[] {false, true}) {
            VerdictRules rules = new VerdictRules(0.10, 0.05, adaptive, 4, false);
            for (int n = 1; n <= 60; n++) {
                for (int x = 0; x <= n; x++) {
                    assertEquals(rules.baselineBound(x, n) > 0.10, rules.separated(x, n), x + "/" + n);
                    assertEquals(adaptive && RateBounds.anytimeUpper(x, n) < 0.10, rules.cannotSeparate(x, n),
                            x + "/" + n);
                }
            }
        }
    }
}
