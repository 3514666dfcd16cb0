package dev.xidlab.symbols;

/** An image or PDB that cannot be read as one; the message is one line naming the file and the fault. */
public final class PeFormatException extends Exception {

    public PeFormatException(String message) {
        super(message);
    }
}
