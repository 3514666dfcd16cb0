package dev.xidlab.matrix;

import dev.xidlab.protocol.Labels;
import dev.xidlab.stress.StressProfile;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** What a matrix runs: configurations x runs from a seed, and the threshold a fix's crash rate must stay under. */
public record Plan(String name, List<PlannedConfig> configs, int runs, long seed, double threshold) {

    public static final int MAX_RUNS = 100_000;

    public Plan {
        configs = List.copyOf(configs);
        if (runs < 1 || runs > MAX_RUNS) {
            throw new IllegalArgumentException("runs must be 1.." + MAX_RUNS + ", not " + runs);
        }
        if (!(threshold > 0 && threshold < 1)) {
            throw new IllegalArgumentException("threshold must be between 0 and 1 (a crash rate), not " + threshold);
        }
        if (configs.stream().filter(c -> c.role() == Role.BASELINE).count() != 1) {
            throw new IllegalArgumentException("a plan needs exactly one baseline configuration (role: baseline)");
        }
        if (configs.stream().map(PlannedConfig::name).distinct().count() != configs.size()) {
            throw new IllegalArgumentException("configuration names must be unique");
        }
    }

    public Plan withRuns(int newRuns) {
        return new Plan(name, configs, newRuns, seed, threshold);
    }

    public Plan withSeed(long newSeed) {
        return new Plan(name, configs, runs, newSeed, threshold);
    }

    public Plan withThreshold(double newThreshold) {
        return new Plan(name, configs, runs, seed, newThreshold);
    }

    public PlannedConfig baseline() {
        return configs.stream().filter(c -> c.role() == Role.BASELINE).findFirst().orElseThrow();
    }

    /** Every run of the plan in order. */
    public List<PlannedRun> expand() {
        List<PlannedRun> all = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            long runSeed = mix(seed, r);
            for (PlannedConfig c : configs) {
                all.add(new PlannedRun(all.size(), c, r, runSeed));
            }
        }
        return all;
    }

    /**
     * Identifies what the results of a plan mean: configurations, loads and seed. The run count and threshold
     * are left out, so a resumed matrix may add runs or judge with another threshold.
     */
    public String fingerprint() {
        StringBuilder canonical = new StringBuilder().append(name).append('|').append(seed);
        for (PlannedConfig c : configs) {
            StressProfile s = c.stress();
            canonical.append('|').append(c.name()).append(',').append(c.role())
                    .append(',').append(HexFormat.of().formatHex(c.driver().encode()))
                    .append(',').append(s.workers()).append(',').append(s.processes())
                    .append(',').append(s.mix()).append(',').append(Labels.label(s.pressure()))
                    .append(',').append(s.budget());
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.toString()
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** splitmix64 of (seed, run): independent seeds for runs, the same on every machine. */
    static long mix(long seed, long run) {
        long z = seed + 0x9E3779B97F4A7C15L * (run + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
