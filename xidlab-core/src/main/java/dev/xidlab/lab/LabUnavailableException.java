package dev.xidlab.lab;

/** The lab cannot run on this machine at all (missing tool, box, library, engine): an environment error. */
public final class LabUnavailableException extends LabException {

    public LabUnavailableException(String message) {
        super(message);
    }
}
