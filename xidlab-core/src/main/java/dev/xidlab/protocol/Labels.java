package dev.xidlab.protocol;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The names users type for modes, operations and flags (lower case, '-' for '_'), shared by the CLI and plan
 * files so both accept and reject the same words with the same message.
 */
public final class Labels {

    private Labels() {
    }

    public static String label(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static <E extends Enum<E>> E parse(Class<E> type, String text, String what) {
        String wanted = text == null ? "" : text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (E value : type.getEnumConstants()) {
            if (label(value).equals(wanted)) {
                return value;
            }
        }
        throw new IllegalArgumentException("unknown " + what + " '" + text + "' (expected one of: "
                + choices(type) + ")");
    }

    /** A comma- or plus-separated set; "none" or an empty text is the empty set. */
    public static <E extends Enum<E>> Set<E> parseSet(Class<E> type, String text, String what) {
        EnumSet<E> set = EnumSet.noneOf(type);
        if (text == null || text.isBlank() || text.trim().equalsIgnoreCase("none")) {
            return set;
        }
        for (String part : text.split("[,+]")) {
            set.add(parse(type, part, what));
        }
        return set;
    }

    public static <E extends Enum<E>> String formatSet(Set<E> set) {
        return set.isEmpty() ? "none" : set.stream().map(Labels::label).collect(Collectors.joining(","));
    }

    public static <E extends Enum<E>> String choices(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map((Function<E, String>) Labels::label)
                .collect(Collectors.joining(", "));
    }
}
