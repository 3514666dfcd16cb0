package dev.xidlab.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShardTest {

    @Test
    void shardsAreDisjointAndCoverThePlan() {
        List<PlannedRun> all = DefaultPlan.plan().expand();
        Set<String> seen = new HashSet<>();
        int total = 0;
        for (int i = 1; i <= 3; i++) {
            for (PlannedRun r : new Shard(i, 3).slice(all)) {
                assertEquals(true, seen.add(r.id()), r.id() + " in two shards");
                total++;
            }
        }
        assertEquals(all.size(), total);
    }

    @Test
    void theSameShardIsTheSameSliceEveryTime() {
        assertEquals(new Shard(2, 4).slice(DefaultPlan.plan().expand()),
                new Shard(2, 4).slice(DefaultPlan.plan().expand()));
    }

    @Test
    void everyConfigurationOfARunSharesItsSeed() {
        List<PlannedRun> all = DefaultPlan.plan().expand();

        assertEquals(1, all.stream().filter(r -> r.run() == 7).map(PlannedRun::seed).distinct().count());
    }

    @Test
    void aShardOutOfRangeIsRefused() {
        assertEquals("--shard takes i/n with 1 <= i <= n, not 4/3",
                assertThrows(IllegalArgumentException.class, () -> Shard.parse("4/3")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Shard.parse("two"));
    }
}
