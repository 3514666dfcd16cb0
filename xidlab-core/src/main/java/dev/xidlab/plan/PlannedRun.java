package dev.xidlab.plan;

/**
 * One run of a plan. {@code index} orders the whole plan (runs interleave configurations, so a stopped or
 * sharded matrix stays balanced); run r of every configuration gets the same seed, so configurations are
 * compared on the same loads.
 */
public record PlannedRun(int index, PlannedConfig config, int run, long seed) {

    public String id() {
        return config.name() + "#" + run;
    }
}
