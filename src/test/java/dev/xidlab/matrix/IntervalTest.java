package dev.xidlab.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Exact binomial intervals against published values (e.g. the tables of Clopper and Pearson, 1934). */
class IntervalTest {

    @Test
    void noEventsInFortyTrialsBoundsTheRateAtEightPointEightPercent() {
        Interval i = Interval.clopperPearson(0, 40);

        assertEquals(0.0, i.lower());
        assertEquals(1 - Math.pow(0.025, 1.0 / 40), i.upper(), 1e-12);
        assertEquals(0.0881, i.upper(), 1e-4);
    }

    @Test
    void everyTrialAnEventBoundsTheRateFromBelow() {
        Interval i = Interval.clopperPearson(40, 40);

        assertEquals(Math.pow(0.025, 1.0 / 40), i.lower(), 1e-12);
        assertEquals(1.0, i.upper());
    }

    @Test
    void fiveInTwentyMatchesThePublishedInterval() {
        Interval i = Interval.clopperPearson(5, 20);

        assertEquals(0.0866, i.lower(), 1e-4);
        assertEquals(0.4910, i.upper(), 1e-4);
    }

    @Test
    void oneInTenMatchesThePublishedInterval() {
        Interval i = Interval.clopperPearson(1, 10);

        assertEquals(0.0025, i.lower(), 1e-4);
        assertEquals(0.4450, i.upper(), 1e-4);
    }

    @Test
    void crashFreeRunsNeededForATenPercentBoundAreThirtySix() {
        assertEquals(36, Interval.trialsToBound(0.10));
        assertEquals(72, Interval.trialsToBound(0.05));
    }
}
