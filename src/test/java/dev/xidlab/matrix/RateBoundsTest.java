package dev.xidlab.matrix;

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
    void fishersTestTellsFortyCrashesFromNoneButNotOneFromNone() {
        assertTrue(RateBounds.fisherPValue(40, 40, 0, 40) < 1e-20);
        // 1 of 80 runs crashed and it is the baseline's half with probability 1/2.
        assertEquals(0.5, RateBounds.fisherPValue(1, 40, 0, 40), 1e-12);
    }

    @Test
    void theSeparationTestsAgreeWithTheBoundsTheyStandFor() {
        for (boolean adaptive : new boolean[] {false, true}) {
            VerdictRules rules = new VerdictRules(0.10, 0.05, adaptive);
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
