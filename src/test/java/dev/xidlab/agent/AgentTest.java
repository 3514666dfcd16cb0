package dev.xidlab.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xidlab.cli.CliRun;
import dev.xidlab.command.ExitCode;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The guest's command lines keep the user's CLI's shape, and the user's CLI still offers both commands. */
class AgentTest {

    private record Run(int exitCode, String out, String err) {
    }

    private static Run agent(String... args) {
        CommandLine cl = Agent.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return new Run(cl.execute(args), out.toString(), err.toString());
    }

    @Test
    void theAgentServesTheDriverAndRunsALoad() {
        Run serve = agent("driver", "serve", "--help");
        assertEquals(ExitCode.OK, serve.exitCode(), serve.err());
        assertTrue(serve.out().contains("Usage: xidlab driver serve"), serve.out());
        Run stress = agent("stress", "--help");
        assertEquals(ExitCode.OK, stress.exitCode(), stress.err());
        assertTrue(stress.out().contains("Usage: xidlab stress"), stress.out());
        assertTrue(stress.out().contains("--as-configured"), stress.out());
    }

    @Test
    void theUsersCliStillListsThem() {
        assertTrue(CliRun.of("driver", "--help").out().contains("serve"));
        assertTrue(CliRun.of("--help").out().contains("stress"));
        assertEquals(ExitCode.OK, CliRun.of("stress", "--help").exitCode());
        assertEquals(ExitCode.OK, CliRun.of("driver", "serve", "--help").exitCode());
    }

    @Test
    void inTheGuestTheVmLabIsNotALab() {
        Run r = agent("stress", "--lab", "vagrant");
        assertEquals(ExitCode.USAGE, r.exitCode(), r.err());
        assertTrue(r.err().startsWith("xidlab: "), r.err());
    }
}
