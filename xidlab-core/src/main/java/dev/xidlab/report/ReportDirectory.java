package dev.xidlab.report;

import dev.xidlab.io.InputFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * A report directory, checked before anything runs and held by one writer: a matrix (or a merge) opens it before
 * it reads or writes anything in it, so a --report that is a file or cannot be written is one line and exit 2, not
 * an exception from the first write after the lab was booted; and it keeps it until its reports are written. Two
 * matrices on one directory would interleave their runs in one results.jsonl, and a resume started while the first
 * still runs would redo the runs it is doing. The hold is an operating-system lock on {@value #LOCK}, so it ends
 * with its process however that ends (a kill, a crash): a killed matrix is resumed at once, with no stale lock to
 * remove.
 */
public final class ReportDirectory implements AutoCloseable {

    /**
     * The lock file: its creation proves the directory can be written. It stays when the lock is released (removing
     * it would let a third writer lock a new file while a second still holds the old one).
     */
    public static final String LOCK = ".xidlab.lock";

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;

    private ReportDirectory(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Makes the directory when it is missing and takes it.
     *
     * @throws ReportDirectoryException when it is a file, cannot be written, or another writer holds it
     */
    public static ReportDirectory open(Path dir) throws ReportDirectoryException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new ReportDirectoryException(dir + ": not a directory (a file is in the way): give --report a"
                    + " directory");
        }
        try {
            Files.createDirectories(dir);
        } catch (FileAlreadyExistsException e) {
            // A parent on the way is a file.
            throw new ReportDirectoryException(e.getFile() + ": not a directory, so " + dir + " cannot be made in it");
        } catch (IOException e) {
            throw cannotWrite(dir, e);
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw cannotWrite(dir, e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;            // this process holds it already: another matrix in the same JVM
        } catch (IOException e) {
            close(channel);
            throw cannotWrite(dir, e);
        }
        if (lock == null) {
            String holder = holder(channel);
            close(channel);
            // Never "use --resume" here: the other writer is still running, and a resume now would redo its runs.
            throw new ReportDirectoryException(dir + " is being written by another xidlab matrix or merge" + holder + ": wait for"
                    + " it to end, or give another --report directory");
        }
        try {
            byte[] who = ("pid " + ProcessHandle.current().pid() + ", since " + Instant.now())
                    .getBytes(StandardCharsets.UTF_8);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(who), 0);
        } catch (IOException e) {
            close(channel);
            throw cannotWrite(dir, e);
        }
        return new ReportDirectory(dir, channel, lock);
    }

    public Path path() {
        return dir;
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }

    private static ReportDirectoryException cannotWrite(Path dir, IOException e) {
        String reason = InputFile.reason(e);
        if (e instanceof FileSystemException f && "Not a directory".equals(f.getReason())) {
            return new ReportDirectoryException(dir + ": not a directory (a file is in the way)");
        }
        return new ReportDirectoryException(dir + ": cannot write: " + reason
                + (e instanceof AccessDeniedException ? " (give --report a directory you can write)" : ""));
    }

    /** Who holds the lock, as the holder wrote it; nothing when it cannot be read (Windows' locks are mandatory). */
    private static String holder(FileChannel channel) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(200);
            int n = channel.read(buffer, 0);
            String text = n <= 0 ? "" : new String(buffer.array(), 0, n, StandardCharsets.UTF_8).strip();
            return text.isEmpty() || text.contains("\n") ? "" : " (" + text + ")";
        } catch (IOException e) {
            return "";
        }
    }

    private static void close(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing was written through it: there is nothing to lose.
        }
    }
}
