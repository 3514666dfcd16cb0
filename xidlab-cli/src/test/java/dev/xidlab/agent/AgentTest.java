package dev.xidlab.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xidlab.cli.CliRun;
import dev.xidlab.command.ExitCode;
import org.junit.jupiter.api.Test;

/** The guest's command lines keep the user's CLI's shape, and the user's CLI still offers both commands. */
class AgentTest {

    private static CliRun agent(String... args) {
        return CliRun.in(Agent.commandLine(), args);
    }

    @Test
    void theAgentServesTheDriverAndRunsALoad() {
        CliRun serve = agent("driver", "serve", "--help");
        assertEquals(ExitCode.OK, serve.exitCode(), serve.err());
        assertTrue(serve.out().contains("Usage: xidlab driver serve"), serve.out());
        CliRun stress = agent("stress", "--help");
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
        CliRun r = agent("stress", "--lab", "vagrant");
        assertEquals(ExitCode.USAGE, r.exitCode(), r.err());
        assertTrue(r.err().startsWith("xidlab: "), r.err());
    }

    @Test
    void theAgentSaysItsVersionAsTheCliDoes() {
        CliRun agent = agent("--version");
        assertEquals(ExitCode.OK, agent.exitCode(), agent.err());
        assertEquals(CliRun.of("--version").out(), agent.out());
        assertTrue(agent.out().contains("wire protocol"), agent.out());
    }
}
