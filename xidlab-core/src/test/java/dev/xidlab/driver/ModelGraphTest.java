package dev.xidlab.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xidlab.testing.ExternalCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernel model (driver/sim with the portable core, driver/core) reads as a graph without cycles: a source file
 * uses what the files below it define, never what a file above it does. Which file uses which is taken from the
 * objects the Makefile builds (target model-objects), with nm: a file uses another when one of its undefined
 * symbols is defined there, so a declaration nobody calls does not count and a call through a header does.
 */
class ModelGraphTest {

    @TempDir
    Path work;

    @Test
    void noSourceFileOfTheModelUsesOneThatUsesItBack() throws Exception {
        assumeTrue(ExternalCommand.onPath("gcc") && ExternalCommand.onPath("nm"), "gcc or nm is not on PATH");
        ExternalCommand build = DriverBuild.make(work, "model-objects", work);
        assertEquals(0, build.exitCode(), build.output());

        Map<String, Set<String>> uses = fileGraph(objects());

        assertTrue(uses.keySet().containsAll(List.of("xm_machine", "xm_driver", "xf_preop", "xf_cache")),
                "the model's objects were not all read: " + uses.keySet());
        assertTrue(uses.values().stream().mapToInt(Set::size).sum() >= uses.size(),
                "too few uses found to be the model's graph: " + uses);
        assertEquals(List.of(), cycle(uses), "a cycle among the model's files; the graph: " + uses);
    }

    /** Who uses whom, by file name without .o: an undefined symbol of one object defined by another. */
    private static Map<String, Set<String>> fileGraph(List<Path> objects) throws IOException, InterruptedException {
        Map<String, String> definedIn = new TreeMap<>();
        Map<String, Set<String>> undefined = new TreeMap<>();
        for (Path object : objects) {
            String file = object.getFileName().toString().replaceFirst("\\.o$", "");
            ExternalCommand nm = ExternalCommand.run(object.getParent(), List.of("nm", object.toString()));
            assertEquals(0, nm.exitCode(), nm.output());
            undefined.put(file, new TreeSet<>());
            for (String line : nm.output().lines().toList()) {
                String[] f = line.trim().split("\\s+");
                if (f.length == 2 && f[0].equals("U")) {
                    undefined.get(file).add(f[1]);
                } else if (f.length == 3 && Character.isUpperCase(f[1].charAt(0))) {
                    definedIn.put(f[2], file);
                }
            }
        }
        Map<String, Set<String>> uses = new TreeMap<>();
        undefined.forEach((file, symbols) -> {
            Set<String> targets = new TreeSet<>();
            symbols.stream().map(definedIn::get).filter(t -> t != null && !t.equals(file)).forEach(targets::add);
            uses.put(file, targets);
        });
        return uses;
    }

    /** One cycle of the graph, as the files along it with the first repeated at the end; empty when none. */
    static List<String> cycle(Map<String, Set<String>> uses) {
        Map<String, Integer> state = new TreeMap<>();
        for (String start : uses.keySet()) {
            List<String> path = new ArrayList<>();
            List<String> found = visit(start, uses, state, path);
            if (!found.isEmpty()) {
                return found;
            }
        }
        return List.of();
    }

    /** Depth first: 1 on the current path, 2 done; a use of a file on the path closes a cycle. */
    private static List<String> visit(String file, Map<String, Set<String>> uses, Map<String, Integer> state,
            List<String> path) {
        Integer seen = state.get(file);
        if (seen != null && seen == 2) {
            return List.of();
        }
        if (seen != null) {
            List<String> loop = new ArrayList<>(path.subList(path.indexOf(file), path.size()));
            loop.add(file);
            return loop;
        }
        state.put(file, 1);
        path.add(file);
        for (String next : uses.getOrDefault(file, Set.of())) {
            List<String> found = visit(next, uses, state, path);
            if (!found.isEmpty()) {
                return found;
            }
        }
        path.remove(path.size() - 1);
        state.put(file, 2);
        return List.of();
    }

    private List<Path> objects() throws IOException {
        try (Stream<Path> files = Files.list(work)) {
            return files.filter(p -> p.toString().endsWith(".o")).sorted().toList();
        }
    }
}
