package dev.xidlab.dump;

/** A file that is not a readable Windows crash dump; the message is one line naming the file and the fault. */
public final class DumpFormatException extends Exception {

    public DumpFormatException(String message) {
        super(message);
    }
}
