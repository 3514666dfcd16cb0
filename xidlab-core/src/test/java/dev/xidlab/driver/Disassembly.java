package dev.xidlab.driver;

import dev.xidlab.testing.ExternalCommand;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A driver image's code as objdump disassembles it: its routines (from the image's symbol table) and the direct
 * calls and jumps between them, by address, so a routine is followed wherever the linker put it. Calls through the
 * import table leave the image and are not followed. Test code.
 */
final class Disassembly {

    static final String OBJDUMP = "x86_64-w64-mingw32-objdump";

    /** A routine: where it starts, its name, and its instructions' text. */
    record Routine(long start, String name, List<String> instructions) {
    }

    private static final Pattern LABEL = Pattern.compile("^([0-9a-f]+) <(.+)>:$");
    private static final Pattern BRANCH = Pattern.compile("\\s(?:call|jmp|j[a-z]+)\\s+([0-9a-f]+) <");

    private final NavigableMap<Long, Routine> routines;
    private final Map<Long, Set<Long>> targets;

    private Disassembly(NavigableMap<Long, Routine> routines, Map<Long, Set<Long>> targets) {
        this.routines = routines;
        this.targets = targets;
    }

    static Disassembly of(Path image) throws IOException, InterruptedException {
        ExternalCommand objdump = ExternalCommand.run(image.getParent(), List.of(OBJDUMP, "-d", image.toString()));
        if (objdump.exitCode() != 0) {
            throw new AssertionError(OBJDUMP + " failed on " + image + ":\n" + objdump.output());
        }
        NavigableMap<Long, Routine> routines = new TreeMap<>();
        Map<Long, Set<Long>> targets = new LinkedHashMap<>();
        Routine current = null;
        for (String line : objdump.output().lines().toList()) {
            Matcher label = LABEL.matcher(line);
            if (label.matches()) {
                current = new Routine(Long.parseUnsignedLong(label.group(1), 16), label.group(2), new ArrayList<>());
                routines.put(current.start(), current);
                targets.put(current.start(), new LinkedHashSet<>());
                continue;
            }
            if (current == null || line.isBlank()) {
                continue;
            }
            current.instructions().add(line);
            Matcher branch = BRANCH.matcher(line);
            if (branch.find()) {
                targets.get(current.start()).add(Long.parseUnsignedLong(branch.group(1), 16));
            }
        }
        return new Disassembly(routines, targets);
    }

    Optional<Routine> named(String name) {
        return routines.values().stream().filter(r -> r.name().equals(name)).findFirst();
    }

    Routine routineAt(long address) {
        Map.Entry<Long, Routine> entry = routines.floorEntry(address);
        if (entry == null) {
            throw new AssertionError(String.format("no routine at 0x%x", address));
        }
        return entry.getValue();
    }

    List<Routine> routines() {
        return List.copyOf(routines.values());
    }

    /** Every routine a call or jump chain from {@code root} can reach, root included. */
    Set<Routine> reachableFrom(Routine root) {
        Set<Routine> seen = new LinkedHashSet<>();
        Deque<Routine> work = new ArrayDeque<>(List.of(root));
        while (!work.isEmpty()) {
            Routine r = work.pop();
            if (seen.add(r)) {
                for (long target : targets.get(r.start())) {
                    Routine callee = routineAt(target);
                    if (callee != r) {
                        work.push(callee);
                    }
                }
            }
        }
        return seen;
    }

    /** Each routine with the routines it calls or jumps into directly. */
    Map<Routine, Set<Routine>> callees() {
        Map<Routine, Set<Routine>> edges = new LinkedHashMap<>();
        for (Routine r : routines.values()) {
            Set<Routine> out = new LinkedHashSet<>();
            for (long target : targets.get(r.start())) {
                Routine callee = routineAt(target);
                if (callee != r) {
                    out.add(callee);
                }
            }
            edges.put(r, out);
        }
        return edges;
    }
}
