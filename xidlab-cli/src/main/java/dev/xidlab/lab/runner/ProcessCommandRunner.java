package dev.xidlab.lab.runner;

import dev.xidlab.lab.LabException;
import dev.xidlab.lab.LabUnavailableException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** {@link CommandRunner} with real processes; output is drained on its own threads so a chatty child never blocks. */
public final class ProcessCommandRunner implements CommandRunner {

    @Override
    public CommandResult run(List<String> command, Path directory, Map<String, String> environment,
                             Duration timeout) {
        Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
            builder.environment().putAll(environment);
            process = builder.start();
        } catch (IOException e) {
            throw new LabUnavailableException(e.getMessage() != null && e.getMessage().contains("error=2,")
                    ? command.get(0) + " is not installed (not found on PATH)"
                    : "cannot run " + command.get(0) + ": " + e.getMessage());
        }
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // The child not reading stdin is fine.
        }
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(process.getInputStream()),
                ProcessCommandRunner::drainThread);
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()),
                ProcessCommandRunner::drainThread);
        try {
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor();
            }
            return new CommandResult(finished ? process.exitValue() : -1, out.get(), err.get(), !finished);
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new LabException("interrupted while running " + command.get(0));
        } catch (ExecutionException e) {
            throw new LabException("cannot read the output of " + command.get(0) + ": " + e.getCause().getMessage());
        }
    }

    /**
     * A thread of its own for each pipe: a drain blocks until the child exits, so on the shared ForkJoinPool two
     * of them (or other work) could wait on each other while the child waits on a full pipe.
     */
    private static void drainThread(Runnable drain) {
        Thread t = new Thread(drain, "xidlab-command-output");
        t.setDaemon(true);
        t.start();
    }

    /** What the child printed; a pipe closed under the read (the child was killed at its timeout) ends it. */
    private static String drain(InputStream in) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (in) {
            in.transferTo(bytes);
        } catch (IOException e) {
            // Killed: what arrived before is all there is.
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
