package dev.xidlab.protocol;

/** A value the header defines as a macro; the ABI test checks {@link #wireValue()} against {@link #cMacro()}. */
public interface WireConstant {

    String cMacro();

    int wireValue();

    /**
     * An enum whose constants are the header's macros {@code prefix + NAME}, numbered in declaration order from
     * {@link #firstValue()} (a count) or as successive bits (a flag set). Declaration order is therefore part of
     * the wire contract; the ABI test holds every value against the header.
     */
    interface Numbered extends WireConstant {

        String macroPrefix();

        default int firstValue() {
            return 0;
        }

        default boolean bits() {
            return false;
        }

        @Override
        default int wireValue() {
            int ordinal = ((Enum<?>) this).ordinal();
            return bits() ? 1 << ordinal : firstValue() + ordinal;
        }

        @Override
        default String cMacro() {
            return macroPrefix() + ((Enum<?>) this).name();
        }

        /** The name users type and reports show: lower case, '-' for '_'. */
        default String label() {
            return Labels.label((Enum<?>) this);
        }
    }
}
