package dev.xidlab.lab;

/** A lab step failed (boot, deploy, stress, collect); the message is one line for the user. */
public class LabException extends RuntimeException {

    public LabException(String message) {
        super(message);
    }

    public LabException(String message, Throwable cause) {
        super(message, cause);
    }
}
