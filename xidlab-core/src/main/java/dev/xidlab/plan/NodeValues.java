package dev.xidlab.plan;

import com.fasterxml.jackson.core.JsonToken;
import dev.xidlab.protocol.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The values of a plan's nodes as the blocks need them (a mapping with known keys, a name, a whole number in a
 * range, a share, a flag set), each refused with the file and line: one wording for every block's errors.
 */
final class NodeValues {

    private final String file;

    NodeValues(String file) {
        this.file = file;
    }

    String file() {
        return file;
    }

    /** The directory the plan's paths are relative to: the plan file's. */
    java.nio.file.Path base() {
        java.nio.file.Path parent = java.nio.file.Path.of(file).getParent();
        return parent == null ? java.nio.file.Path.of("") : parent;
    }

    void object(LocatedNode node, String what, Set<String> allowed) throws PlanException {
        if (node.kind != LocatedNode.Kind.OBJECT) {
            throw error(node, what + " must be a mapping of keys to values");
        }
        for (var e : node.fields.entrySet()) {
            if (!allowed.contains(e.getKey())) {
                throw error(e.getValue(), "unknown key '" + e.getKey() + "' in " + what + " (known: "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    <E extends Enum<E>> E label(LocatedNode node, Class<E> type, String what, E fallback) throws PlanException {
        if (node == null) {
            return fallback;
        }
        try {
            return Labels.parse(type, string(node, null), what);
        } catch (IllegalArgumentException e) {
            throw error(node, e.getMessage());
        }
    }

    <E extends Enum<E>> Set<E> flags(LocatedNode node, Class<E> type, String what) throws PlanException {
        try {
            if (node.kind == LocatedNode.Kind.ARRAY) {
                List<String> parts = new ArrayList<>();
                for (LocatedNode item : node.items) {
                    parts.add(string(item, null));
                }
                return Labels.parseSet(type, String.join(",", parts), what);
            }
            return Labels.parseSet(type, string(node, null), what);
        } catch (IllegalArgumentException e) {
            throw error(node, e.getMessage());
        }
    }

    /** Reads one item of a list. */
    @FunctionalInterface
    interface Item<T> {
        T read(LocatedNode node) throws PlanException;
    }

    /** The items of a list, none when it is left out; {@code notAList} when it is something else. */
    <T> List<T> list(LocatedNode node, String notAList, Item<T> item) throws PlanException {
        List<T> items = new ArrayList<>();
        if (node == null) {
            return items;
        }
        if (node.kind != LocatedNode.Kind.ARRAY) {
            throw error(node, notAList);
        }
        for (LocatedNode each : node.items) {
            items.add(item.read(each));
        }
        return items;
    }

    String string(LocatedNode node, String fallback) throws PlanException {
        if (node == null) {
            return fallback;
        }
        if (node.kind != LocatedNode.Kind.SCALAR || node.text == null) {
            throw error(node, "expected a single value");
        }
        return node.text;
    }

    int integer(LocatedNode node, int fallback, int min, int max, String what) throws PlanException {
        if (node == null) {
            return fallback;
        }
        long value = longValue(node, what);
        if (value < min || value > max) {
            throw error(node, what + " must be " + min + ".." + max + ", not " + value);
        }
        return (int) value;
    }

    long longValue(LocatedNode node, String what) throws PlanException {
        if (node.token != JsonToken.VALUE_NUMBER_INT) {
            throw error(node, what + " must be a whole number, not '" + node.text + "'");
        }
        try {
            return Long.parseLong(node.text);
        } catch (NumberFormatException e) {
            throw error(node, what + " '" + node.text + "' is out of range");
        }
    }

    /** A rate strictly between 0 and 1. */
    double decimal(LocatedNode node, double fallback, String what) throws PlanException {
        if (node == null) {
            return fallback;
        }
        if (node.token != JsonToken.VALUE_NUMBER_FLOAT && node.token != JsonToken.VALUE_NUMBER_INT) {
            throw error(node, what + " must be a number, not '" + node.text + "'");
        }
        double value = Double.parseDouble(node.text);
        if (!(value > 0 && value < 1)) {
            throw error(node, what + " must be between 0 and 1 (a crash rate), not " + node.text);
        }
        return value;
    }

    /** A share from 0 (included) up to 1. */
    double share(LocatedNode node, String what) throws PlanException {
        if (node.token != JsonToken.VALUE_NUMBER_FLOAT && node.token != JsonToken.VALUE_NUMBER_INT) {
            throw error(node, what + " must be a number, not '" + node.text + "'");
        }
        double value = Double.parseDouble(node.text);
        if (!(value >= 0 && value < 1)) {
            throw error(node, what + " must be a share from 0 up to 1 (0.05 is 5%), not " + node.text);
        }
        return value;
    }

    boolean bool(LocatedNode node, String what) throws PlanException {
        if (node.token != JsonToken.VALUE_TRUE && node.token != JsonToken.VALUE_FALSE) {
            throw error(node, what + " must be true or false, not '" + node.text + "'");
        }
        return node.token == JsonToken.VALUE_TRUE;
    }

    PlanException error(LocatedNode node, String message) {
        return new PlanException(file + " line " + node.line + ": " + message, node.line);
    }
}
