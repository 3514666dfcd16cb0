package dev.xidlab.lab.vm;

import dev.xidlab.lab.runner.CommandResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Windows guest's answers, for what cannot run here (no Windows): each PowerShell script the lab sends is
 * decoded and answered by the first rule whose text it contains; a rule given several answers gives them in turn
 * and then repeats its last (a directory listing that changes between looks). Downloads copy prepared files.
 */
final class ScriptedWindowsShell extends ScriptedGuestShell {

    private final Map<String, Deque<CommandResult>> rules = new LinkedHashMap<>();
    private final Map<String, Path> files = new LinkedHashMap<>();
    final List<String> scripts = new ArrayList<>();

    static CommandResult ok(String stdout) {
        return new CommandResult(0, stdout, "", false);
    }

    ScriptedWindowsShell answer(String contains, CommandResult... answers) {
        rules.put(contains, new ArrayDeque<>(List.of(answers)));
        return this;
    }

    ScriptedWindowsShell file(String guestPath, Path content) {
        files.put(guestPath, content);
        return this;
    }

    @Override
    public CommandResult exec(String commandLine, Duration timeout) {
        String script = WindowsGuest.script(commandLine);
        scripts.add(script);
        for (Map.Entry<String, Deque<CommandResult>> rule : rules.entrySet()) {
            if (script.contains(rule.getKey())) {
                Deque<CommandResult> answers = rule.getValue();
                return answers.size() > 1 ? answers.poll() : answers.peek();
            }
        }
        return ok("");
    }

    @Override
    Optional<Path> file(String guestPath) {
        return Optional.ofNullable(files.get(guestPath));
    }
}
