package dev.xidlab.cli;

import dev.xidlab.agent.StressCommand;
import picocli.CommandLine;

/** Builds the user's commands: {@code stress} as the agent's, with every lab (the VM lab too) for {@code --lab}. */
final class UserCommandFactory implements CommandLine.IFactory {

    private final CommandLine.IFactory defaults = CommandLine.defaultFactory();

    @Override
    public <K> K create(Class<K> cls) throws Exception {
        if (cls == StressCommand.class) {
            return cls.cast(new StressCommand(Labs::open));
        }
        return defaults.create(cls);
    }
}
