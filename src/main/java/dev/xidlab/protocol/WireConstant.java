package dev.xidlab.protocol;

/** A value the header defines as a macro; the ABI test checks {@link #wireValue()} against {@link #cMacro()}. */
public interface WireConstant {

    String cMacro();

    int wireValue();
}
