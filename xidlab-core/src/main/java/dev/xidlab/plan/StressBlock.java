package dev.xidlab.plan;

import dev.xidlab.load.Budget;
import dev.xidlab.load.MemoryPressure;
import dev.xidlab.load.OperationMix;
import dev.xidlab.load.StressProfile;
import dev.xidlab.protocol.Labels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A {@code stress:} block, the plan's or a configuration's: every key optional, the rest taken from the load it
 * refines. Written as one flow mapping, the mix only when it is not the typical one.
 */
final class StressBlock {

    private static final Set<String> KEYS = Set.of("workers", "processes", "pressure", "operations", "seconds",
            "mix");
    private static final Set<String> MIX_KEYS = Set.of("create", "read", "write");

    private StressBlock() {
    }

    /** The load {@code node} says, on top of {@code base} ({@code base} itself when there is no block). */
    static StressProfile read(NodeValues v, LocatedNode node, StressProfile base) throws PlanException {
        if (node == null) {
            return base;
        }
        v.object(node, "stress", KEYS);
        OperationMix mix = base.mix();
        LocatedNode mixNode = node.fields.get("mix");
        if (mixNode != null) {
            v.object(mixNode, "mix", MIX_KEYS);
            try {
                mix = new OperationMix(v.integer(mixNode.fields.get("create"), mix.createPercent(), 0, 100, "create"),
                        v.integer(mixNode.fields.get("read"), mix.readPercent(), 0, 100, "read"),
                        v.integer(mixNode.fields.get("write"), mix.writePercent(), 0, 100, "write"));
            } catch (IllegalArgumentException e) {
                throw v.error(mixNode, e.getMessage());
            }
        }
        long operations = node.fields.containsKey("operations")
                ? v.longValue(node.fields.get("operations"), "operations") : base.budget().operations();
        Duration time = node.fields.containsKey("seconds")
                ? Duration.ofSeconds(v.integer(node.fields.get("seconds"), 0, 1, 86_400, "seconds"))
                : base.budget().time();
        try {
            return new StressProfile(
                    v.integer(node.fields.get("workers"), base.workers(), 1, 64, "workers"),
                    v.integer(node.fields.get("processes"), base.processes(), 1, 4096, "processes"),
                    mix,
                    v.label(node.fields.get("pressure"), MemoryPressure.class, "memory pressure", base.pressure()),
                    new Budget(operations, time));
        } catch (IllegalArgumentException e) {
            throw v.error(node, e.getMessage());
        }
    }

    /** The load as a flow mapping, {@code {workers: 4, ...}}. */
    static String write(StressProfile s) {
        List<String> parts = new ArrayList<>(List.of("workers: " + s.workers(), "processes: " + s.processes(),
                "pressure: " + Labels.label(s.pressure())));
        if (s.budget().operations() > 0) {
            parts.add("operations: " + s.budget().operations());
        }
        if (s.budget().time() != null) {
            parts.add("seconds: " + s.budget().time().toSeconds());
        }
        if (!s.mix().equals(OperationMix.typical())) {
            parts.add("mix: {create: " + s.mix().createPercent() + ", read: " + s.mix().readPercent() + ", write: "
                    + s.mix().writePercent() + "}");
        }
        return "{" + String.join(", ", parts) + "}";
    }
}
