package dev.xidlab.protocol;

/** Bytes that do not form the struct they claim to be: a short buffer, a wrong Size or Version, a bad value. */
public final class WireFormatException extends RuntimeException {

    public WireFormatException(String message) {
        super(message);
    }
}
