package dev.xidlab.lab.vm;

import dev.xidlab.lab.LabException;
import dev.xidlab.lab.runner.CommandResult;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the VM lab saw around a run that ended in a lab error, written into the run's evidence directory so a red
 * run can be diagnosed from its files alone: the lab's step trace for the run ({@code lab-trace.log}), the guest's
 * serial console since the run began ({@code console.log}: a panicking kernel's last words), the guest's own log of
 * this boot and the one before ({@code guest-log.txt}) and the lab's view of the machine ({@code lab-view.txt}).
 * Each part is best effort: one that cannot be had says why in its file, and the others are still written.
 */
final class RunEvidence {

    static final Duration GUEST_LOG_BOUND = Duration.ofSeconds(60);
    /** A console that scrolled for an hour is not read whole into a report. */
    private static final long CONSOLE_KEPT = 1 << 20;

    private final LabTrace trace;
    private final Path console;
    private long consoleStart;

    RunEvidence(LabTrace trace, Path console) {
        this.trace = trace;
        this.console = console;
    }

    /** A run begins: its trace and its console output start here. */
    void runBegins() {
        trace.newRun();
        consoleStart = size(console);
    }

    /**
     * Writes the evidence files.
     *
     * @param shell   the guest's shell, or empty when the lab never reached it
     * @param labView what the lab knows of the machine (its state in libvirt, where SSH reaches it)
     */
    List<Path> keep(Path dir, Optional<GuestShell> shell, GuestOs guest, String labView) {
        List<Path> written = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            written.add(Files.write(dir.resolve("lab-trace.log"), trace.thisRun()));
            written.add(Files.writeString(dir.resolve("console.log"), consoleSinceRunBegan()));
            written.add(Files.writeString(dir.resolve("guest-log.txt"), guestLog(shell, guest)));
            written.add(Files.writeString(dir.resolve("lab-view.txt"), labView + "\n"));
        } catch (IOException e) {
            throw new LabException("cannot write the run's evidence in " + dir + ": " + e.getMessage(), e);
        }
        return written;
    }

    private String consoleSinceRunBegan() {
        if (!Files.isRegularFile(console)) {
            return "(no console log at " + console + ": the machine was created without XIDLAB_CONSOLE_LOG)\n";
        }
        try (RandomAccessFile f = new RandomAccessFile(console.toFile(), "r")) {
            long end = f.length();
            long from = end < consoleStart ? 0 : Math.max(consoleStart, end - CONSOLE_KEPT);
            byte[] bytes = new byte[(int) (end - from)];
            f.seek(from);
            f.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(the console log " + console + " cannot be read: " + e.getMessage() + ")\n";
        }
    }

    private static String guestLog(Optional<GuestShell> shell, GuestOs guest) {
        if (shell.isEmpty()) {
            return "(the lab never reached the guest's shell)\n";
        }
        try {
            CommandResult r = shell.get().exec(guest.commandLine(guest.bootLogScript()), GUEST_LOG_BOUND);
            return r.stdout() + (r.succeeded() ? "" : "(the guest's log ended with: " + r.lastErrorLine() + ")\n");
        } catch (LabException e) {
            return "(the guest's log could not be read: " + e.getMessage() + ")\n";
        }
    }

    private static long size(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
