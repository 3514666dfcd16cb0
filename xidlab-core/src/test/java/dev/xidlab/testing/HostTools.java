package dev.xidlab.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** What this host has, for tests that skip when it lacks a tool. */
public final class HostTools {

    private HostTools() {
    }

    /** Whether a program is on PATH. */
    public static boolean onPath(String program) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }
}
