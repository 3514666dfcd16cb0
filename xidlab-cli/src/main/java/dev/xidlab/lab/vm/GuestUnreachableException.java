package dev.xidlab.lab.vm;

import dev.xidlab.lab.LabException;

/**
 * The guest did not answer: the connection could not be made, or it died under a command (keepalives went
 * unanswered, the peer reset it). A crashed or rebooting guest looks like this; what it means is decided by
 * whoever watches the guest's life, not by the transport.
 */
public final class GuestUnreachableException extends LabException {

    public GuestUnreachableException(String message) {
        super(message);
    }

    public GuestUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
