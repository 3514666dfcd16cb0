package dev.xidlab.plan;

import java.util.List;

/** A deterministic slice i/n of a plan's runs: run k belongs to shard (k mod n) + 1. */
public record Shard(int index, int count) {

    public static final Shard WHOLE = new Shard(1, 1);

    public Shard {
        if (count < 1 || index < 1 || index > count) {
            throw new IllegalArgumentException("--shard takes i/n with 1 <= i <= n, not " + index + "/" + count);
        }
    }

    public static Shard parse(String text) {
        String[] parts = text.trim().split("/");
        try {
            if (parts.length == 2) {
                return new Shard(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new IllegalArgumentException("--shard takes i/n (for example 2/8), not '" + text + "'");
    }

    public List<PlannedRun> slice(List<PlannedRun> runs) {
        return runs.stream().filter(r -> r.index() % count == index - 1).toList();
    }

    public boolean whole() {
        return count == 1;
    }

    /** "2/8", as --shard takes it. */
    public String label() {
        return index + "/" + count;
    }
}
