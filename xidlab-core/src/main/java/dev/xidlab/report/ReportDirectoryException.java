package dev.xidlab.report;

/** A --report directory a matrix cannot use (a file, not writable, held by another writer); one line. */
public final class ReportDirectoryException extends Exception {

    public ReportDirectoryException(String message) {
        super(message);
    }
}
