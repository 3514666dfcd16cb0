package dev.xidlab.cli;

import dev.xidlab.command.ExitCode;
import dev.xidlab.protocol.Wire;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class XidlabCommandLineTest {

    static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void unknownSubcommandIsAUsageErrorWithoutAStackTrace() {
        CliRun r = run("frobnicate");

        assertEquals(ExitCode.USAGE, r.exitCode());
        assertTrue(r.err().contains("Unmatched argument at index 0: 'frobnicate'"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void unknownOptionIsAUsageError() {
        CliRun r = run("driver", "info", "--colour");

        assertEquals(ExitCode.USAGE, r.exitCode());
        assertTrue(r.err().contains("Unknown option: '--colour'"), r.err());
    }

    @Test
    void everyCommandAtEveryLevelHasHelp() {
        List<String> failures = new ArrayList<>();
        for (Help h : everyCommandsHelp()) {
            if (h.run().exitCode() != 0 || !h.run().out().contains("Usage: xidlab")) {
                failures.add(h.command() + " -> " + h.run().exitCode());
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void everyCommandsHelpPrintsNoWarning() {
        List<String> warned = new ArrayList<>();
        for (Help h : everyCommandsHelp()) {
            String printed = h.systemErr() + h.run().err();
            if (!printed.isEmpty()) {
                warned.add(h.command() + ": " + printed.lines().findFirst().orElse(""));
            }
        }
        assertEquals(List.of(), warned);
    }

    /** One command's {@code --help}, with what picocli itself printed on System.err meanwhile. */
    private record Help(String command, CliRun run, String systemErr) {
    }

    /**
     * {@code --help} of every command at every level. picocli warns on System.err itself (its tracer, not the
     * command line's err), e.g. when a description is not a valid format string: an unescaped '%' in "95%".
     */
    private static List<Help> everyCommandsHelp() {
        List<Help> helps = new ArrayList<>();
        for (List<String> path : commandPaths(Xidlab.commandLine(), new ArrayList<>())) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            java.io.ByteArrayOutputStream systemErr = new java.io.ByteArrayOutputStream();
            java.io.PrintStream original = System.err;
            CliRun r;
            System.setErr(new java.io.PrintStream(systemErr, true, java.nio.charset.StandardCharsets.UTF_8));
            try {
                r = run(args.toArray(String[]::new));
            } finally {
                System.setErr(original);
            }
            helps.add(new Help(String.join(" ", args), r, systemErr.toString(java.nio.charset.StandardCharsets.UTF_8)));
        }
        return helps;
    }

    @Test
    void helpDocumentsTheExitCodes() {
        assertTrue(run("--help").out().contains("2 usage or input error"));
    }

    @Test
    void versionNamesTheWireProtocol() {
        CliRun r = run("--version");

        assertEquals(0, r.exitCode());
        assertTrue(r.out().contains("wire protocol " + Wire.PROTOCOL_VERSION), r.out());
    }

    /** Runs the command line, which must be refused as a usage error (exit 2); returns what it said. */
    static String usageError(String... args) {
        CliRun r = run(args);
        assertEquals(ExitCode.USAGE, r.exitCode(), r.err());
        return r.err();
    }

    @Test
    void aBadOptionValueIsRefusedBeforeAnyDeviceIsOpened() {
        assertEquals("xidlab: unknown registration flag 'skip-everything' (expected one of: skip-paging-io,"
                + " skip-cached-io, skip-non-dasd-io, skip-non-cached-non-paging-io)\n",
                usageError("driver", "set", "--device", "windows", "--skip", "skip-everything"));
    }

    @Test
    void anUnknownDeviceIsAUsageError() {
        assertEquals("xidlab: unknown device 'usb' (expected sim or windows)\n",
                usageError("driver", "info", "--device", "usb"));
    }

    @Test
    void stressAsConfiguredRefusesConfigurationOptionsItWouldIgnore() {
        String err = usageError("stress", "--lab", "sim", "--as-configured", "--mode", "cached");

        assertTrue(err.startsWith("xidlab: --as-configured keeps the driver's configuration"), err);
    }

    @Test
    void stressOfAForeignDriverRefusesXidfiltersConfigurationOptions() {
        assertEquals("xidlab: --foreign-driver runs the user's own driver: xidfilter's configuration options do not"
                + " apply to it\n", usageError("stress", "--lab", "sim", "--foreign-driver", "--mode", "cached"));
    }

    @Test
    void stressOfAForeignDriverReportsNoTelemetryForTheUsersDriverHasNone() {
        CliRun r = run("stress", "--lab", "sim", "--foreign-driver", "--pressure", "none", "--operations", "100",
                "--json");

        assertEquals(ExitCode.OK, r.exitCode(), r.err());
        assertTrue(r.out().contains("\"outcome\" : \"survived\""), r.out());
        assertFalse(r.out().contains("telemetry"), r.out());
    }

    @Test
    void aStressMixThatDoesNotAddUpIsAUsageError() {
        assertEquals("xidlab: operation mix must be three shares adding up to 100, not 10/10/10\n",
                usageError("stress", "--mix", "10/10/10"));
    }

    @Test
    void anUnavailableLabIsAnEnvironmentErrorUnderEveryCommandThatRunsOne(@TempDir Path dir) {
        // The stand-in lab runs only inside the stand-in guest VM: here it is unavailable, as a missing box would be.
        List<List<String>> commands = List.of(
                List.of("matrix", "--lab", "standin", "--runs", "1", "--report", dir.resolve("report").toString()),
                List.of("stress", "--lab", "standin", "--operations", "100"),
                List.of("lab", "up", "--lab", "standin"));
        List<String> exits = new ArrayList<>();
        for (List<String> command : commands) {
            CliRun r = run(command.toArray(String[]::new));
            assertTrue(r.err().startsWith("xidlab: --lab standin: the stand-in lab panics the kernel it runs on"),
                    r.err());
            exits.add(command.get(0) + " " + r.exitCode());
        }

        assertEquals(List.of("matrix 3", "stress 3", "lab 3"), exits);
        assertFalse(Files.exists(dir.resolve("report")), "a matrix on a lab it cannot run writes nothing");
    }

    @Test
    void labUpOnTheModelShowsTheLoadedDriverAnswering() {
        CliRun r = run("lab", "up", "--lab", "sim");

        assertEquals(ExitCode.OK, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("lab sim is up: "), r.out());
        assertTrue(r.out().contains("protocol " + Wire.PROTOCOL_VERSION), r.out());
    }

    private static List<List<String>> commandPaths(CommandLine cl, List<String> prefix) {
        List<List<String>> paths = new ArrayList<>();
        paths.add(prefix);
        cl.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help")) {
                List<String> path = new ArrayList<>(prefix);
                path.add(name);
                paths.addAll(commandPaths(sub, path));
            }
        });
        return paths;
    }
}
