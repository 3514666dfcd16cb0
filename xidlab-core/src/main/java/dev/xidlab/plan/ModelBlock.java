package dev.xidlab.plan;

import dev.xidlab.device.ModelOptions;
import dev.xidlab.protocol.Labels;
import dev.xidlab.site.FilterGroup;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The {@code model:} block: the kernel model's options, and {@code filterFrames}, the stack a group of the
 * environment's co-resident filters takes (which is the environment's, so it is read apart). Written with only what
 * differs from the defaults.
 */
final class ModelBlock {

    private static final Set<String> KEYS = Set.of("dump", "pagingPath", "sameThreadFault", "pagingRequestor",
            "filterFrames");

    private ModelBlock() {
    }

    static ModelOptions read(NodeValues v, LocatedNode node) throws PlanException {
        if (node == null) {
            return ModelOptions.DEFAULTS;
        }
        v.object(node, "model", KEYS);
        ModelOptions d = ModelOptions.DEFAULTS;
        return new ModelOptions(v.label(node.fields.get("dump"), ModelOptions.Dump.class, "dump", d.dump()),
                v.label(node.fields.get("pagingPath"), ModelOptions.PagingPath.class, "paging path", d.pagingPath()),
                v.label(node.fields.get("sameThreadFault"), ModelOptions.SameThreadFault.class, "same-thread fault",
                        d.sameThreadFault()),
                v.label(node.fields.get("pagingRequestor"), ModelOptions.PagingRequestor.class, "paging requestor",
                        d.pagingRequestor()));
    }

    /** {@code model: {filterFrames: {anti-virus: 4096}}}: the stack the plan gives a group's filters. */
    static Map<FilterGroup, Integer> readGroupFrames(NodeValues v, LocatedNode model, boolean haveEnvironment)
            throws PlanException {
        LocatedNode node = model == null ? null : model.fields.get("filterFrames");
        if (node == null) {
            return Map.of();
        }
        if (!haveEnvironment) {
            throw v.error(node, "filterFrames sets the stack of the co-resident filters of an environment: the plan"
                    + " has no environment block");
        }
        if (node.kind != LocatedNode.Kind.OBJECT) {
            throw v.error(node, "filterFrames must map groups to bytes ({anti-virus: 4096})");
        }
        Map<FilterGroup, Integer> frames = new LinkedHashMap<>();
        for (var e : node.fields.entrySet()) {
            FilterGroup group;
            try {
                group = FilterGroup.byLabel(e.getKey());
            } catch (IllegalArgumentException x) {
                throw v.error(e.getValue(), x.getMessage());
            }
            int bytes = v.integer(e.getValue(), 0, 16, 0x4000, "frame bytes of " + group.label());
            if (bytes % 16 != 0) {
                throw v.error(e.getValue(), "frame bytes of " + group.label() + " must be a multiple of 16 (an x64"
                        + " frame), not " + bytes);
            }
            frames.put(group, bytes);
        }
        return frames;
    }

    /** The block's inside ({@code dump: kernel, ...}), empty when everything is the default. */
    static String write(ModelOptions m, Map<FilterGroup, Integer> groupFrames) {
        ModelOptions d = ModelOptions.DEFAULTS;
        List<String> parts = new ArrayList<>();
        if (m.dump() != d.dump()) {
            parts.add("dump: " + Labels.label(m.dump()));
        }
        if (m.pagingPath() != d.pagingPath()) {
            parts.add("pagingPath: " + Labels.label(m.pagingPath()));
        }
        if (m.sameThreadFault() != d.sameThreadFault()) {
            parts.add("sameThreadFault: " + Labels.label(m.sameThreadFault()));
        }
        if (m.pagingRequestor() != d.pagingRequestor()) {
            parts.add("pagingRequestor: " + Labels.label(m.pagingRequestor()));
        }
        if (!groupFrames.isEmpty()) {
            parts.add("filterFrames: {" + groupFrames.entrySet().stream()
                    .sorted(Map.Entry.comparingByKey(Comparator.comparing(FilterGroup::label)))
                    .map(e -> e.getKey().label() + ": " + e.getValue()).collect(Collectors.joining(", ")) + "}");
        }
        return String.join(", ", parts);
    }
}
