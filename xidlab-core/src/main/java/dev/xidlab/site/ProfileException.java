package dev.xidlab.site;

/** Dumps that cannot be profiled as asked: none readable, or several machines given as one site. */
public final class ProfileException extends Exception {

    public ProfileException(String message) {
        super(message);
    }
}
