package dev.xidlab.lint;

import dev.xidlab.symbols.PeImage;
import dev.xidlab.unwind.X64FunctionTable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The calls between an image's functions, decoded as they are asked for. A function is the code reached from its
 * entry inside its .pdata range (or, for code no .pdata entry covers, such as an import thunk, up to the end of its
 * section), walked along every branch; what leaves it is an edge: a direct call (E8), a jump out of the range (a tail
 * call: E9, EB, or a conditional one), a call or jump through an import table slot, or an indirect call or jump that
 * cannot be followed. {@link #reach} follows the edges from a callback to a fixed point, breadth first, so each
 * import and each unfollowed site comes with the shortest path of calls to it.
 */
final class CallGraph {

    /** What leaves a function, at the instruction {@code site} (an RVA). */
    sealed interface Edge {
        long site();

        /** A call or a tail jump to code at {@code target}. */
        record ToCode(long site, long target, boolean tail) implements Edge {
        }

        /** A call or tail jump through an import table slot. */
        record ToImport(long site, DriverImage.Import routine, boolean tail) implements Edge {
        }

        /** A transfer whose target is not known from the image: {@code what} says which. */
        record NotFollowed(long site, String what) implements Edge {
        }
    }

    /** A function: where it was entered, and its edges in the order its code has them. */
    record Function(long entry, List<Edge> edges) {
    }

    /** Where a path reached: the functions from the root to the one with the edge, and that edge. */
    record Reached(List<Long> functions, Edge edge) {
    }

    private final DriverImage image;
    private final Map<Long, Function> functions = new HashMap<>();

    CallGraph(DriverImage image) {
        this.image = image;
    }

    /** Every edge reachable from {@code root} with the shortest path to it, and every function on the way. */
    record Reach(Map<Long, List<Long>> functions, List<Reached> edges) {
    }

    Reach reach(long root) {
        Map<Long, List<Long>> paths = new LinkedHashMap<>();
        List<Reached> edges = new ArrayList<>();
        Deque<Long> work = new ArrayDeque<>();
        paths.put(root, List.of(root));
        work.add(root);
        while (!work.isEmpty()) {
            long at = work.poll();
            List<Long> path = paths.get(at);
            for (Edge e : function(at).edges()) {
                edges.add(new Reached(path, e));
                if (e instanceof Edge.ToCode c && !paths.containsKey(c.target())) {
                    List<Long> longer = new ArrayList<>(path);
                    longer.add(c.target());
                    paths.put(c.target(), List.copyOf(longer));
                    work.add(c.target());
                }
            }
        }
        return new Reach(paths, edges);
    }

    /** The function entered at {@code entry} (decoded once). */
    Function function(long entry) {
        Function f = functions.get(entry);
        if (f == null) {
            f = decode(entry);
            functions.put(entry, f);
        }
        return f;
    }

    private Function decode(long entry) {
        List<Edge> edges = new ArrayList<>();
        Optional<PeImage.Section> section = image.sectionAt(entry);
        if (section.isEmpty() || !section.get().executable()) {
            edges.add(new Edge.NotFollowed(entry, "a transfer to 0x" + Long.toHexString(image.imageBase() + entry)
                    + ", which is not code in the image"));
            return new Function(entry, edges);
        }
        PeImage.Section s = section.get();
        byte[] code = image.bytes(s);
        long begin = s.rva();
        long end = s.rva() + code.length;
        if (image.functions().lookup(entry) instanceof X64FunctionTable.Lookup.Found found) {
            begin = found.function().begin();
            end = Math.min(end, found.function().end());
        }
        Set<Long> seen = new HashSet<>();
        Deque<Long> work = new ArrayDeque<>(List.of(entry));
        while (!work.isEmpty()) {
            long at = work.pop();
            while (at >= begin && at < end && seen.add(at)) {
                X64Decoder.Instruction i = X64Decoder.decode(code, (int) (at - s.rva()), at);
                Long next = follow(i, begin, end, edges, work);
                if (next == null) {
                    break;
                }
                at = next;
            }
        }
        return new Function(entry, List.copyOf(edges));
    }

    /** Adds what {@code i} leaves the function by; returns where the walk goes on, or null where it ends. */
    private Long follow(X64Decoder.Instruction i, long begin, long end, List<Edge> edges, Deque<Long> work) {
        long site = i.address();
        X64Decoder.Flow flow = i.flow();
        if (flow instanceof X64Decoder.Flow.Plain) {
            return i.next();
        }
        if (flow instanceof X64Decoder.Flow.Call c) {
            edges.add(new Edge.ToCode(site, c.target(), false));
            return i.next();
        }
        if (flow instanceof X64Decoder.Flow.Jump j) {
            if (j.target() >= begin && j.target() < end) {
                work.push(j.target());
            } else {
                edges.add(new Edge.ToCode(site, j.target(), true));
            }
            return j.conditional() ? i.next() : null;
        }
        if (flow instanceof X64Decoder.Flow.ThroughMemory m) {
            Optional<DriverImage.Import> routine = image.importAt(m.slot());
            if (routine.isPresent()) {
                edges.add(new Edge.ToImport(site, routine.get(), m.jump()));
            } else {
                edges.add(new Edge.NotFollowed(site, String.format("an indirect %s through the pointer at 0x%x,"
                        + " which is not an import", m.jump() ? "jump" : "call", image.imageBase() + m.slot())));
            }
            return m.jump() ? null : i.next();
        }
        if (flow instanceof X64Decoder.Flow.Indirect r) {
            edges.add(new Edge.NotFollowed(site, String.format("an indirect %s through %s", r.jump() ? "jump" : "call",
                    r.register() ? "a register" : "memory computed at run time")));
            return r.jump() ? null : i.next();
        }
        if (flow instanceof X64Decoder.Flow.Unknown u) {
            edges.add(new Edge.NotFollowed(site, "an instruction this decoder does not know (" + u.why() + ")"));
        }
        return null;                                // ret, int3, ud2, hlt: the path ends
    }
}
