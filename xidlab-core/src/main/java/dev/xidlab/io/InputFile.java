package dev.xidlab.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * What is wrong with a file a user named as input, said before it is opened: opening a FIFO for reading blocks
 * until some writer comes (for ever), and a directory or device gives the operating system's "No such device" or
 * "Is a directory" from deep inside a reader, which names neither the problem nor the fix.
 */
public final class InputFile {

    private InputFile() {
    }

    /** Empty when {@code file} is a regular file (links followed); otherwise the one-line reason it is not. */
    public static Optional<String> problem(Path file) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return Optional.of("no such file");
        } catch (IOException e) {
            return Optional.of("cannot read: " + reason(e));
        }
        if (attributes.isDirectory()) {
            return Optional.of("is a directory");
        }
        if (!attributes.isRegularFile()) {
            return Optional.of("not a regular file (a pipe, socket or device cannot be read as a file)");
        }
        return Optional.empty();
    }

    /** The operating system's reason without the path it repeats (the caller names the file). */
    public static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
