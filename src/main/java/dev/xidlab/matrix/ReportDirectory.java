package dev.xidlab.matrix;

import dev.xidlab.io.InputFile;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A report directory, checked before anything runs: a matrix (or a merge) opens it before it reads or writes
 * anything in it, so a --report that is a file or cannot be written is one line and exit 2, not an exception
 * from the first write after the lab was booted.
 */
public final class ReportDirectory implements AutoCloseable {

    /** The file whose creation proves the directory can be written. */
    public static final String LOCK = ".xidlab.lock";

    private final Path dir;
    private final FileChannel channel;

    private ReportDirectory(Path dir, FileChannel channel) {
        this.dir = dir;
        this.channel = channel;
    }

    /**
     * Makes the directory when it is missing and proves it can be written.
     *
     * @throws ReportDirectoryException when it is a file or cannot be written
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
            channel = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw cannotWrite(dir, e);
        }
        return new ReportDirectory(dir, channel);
    }

    public Path path() {
        return dir;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private static ReportDirectoryException cannotWrite(Path dir, IOException e) {
        String reason = InputFile.reason(e);
        if (e instanceof FileSystemException f && "Not a directory".equals(f.getReason())) {
            return new ReportDirectoryException(dir + ": not a directory (a file is in the way)");
        }
        return new ReportDirectoryException(dir + ": cannot write: " + reason
                + (e instanceof AccessDeniedException ? " (give --report a directory you can write)" : ""));
    }
}
