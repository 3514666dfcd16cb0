package dev.xidlab.plan;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML/JSON value with the line it starts on, read with Jackson's streaming parser because its tree model
 * forgets locations, and a plan error is only useful with its line.
 */
final class LocatedNode {

    enum Kind { OBJECT, ARRAY, SCALAR }

    final Kind kind;
    final int line;
    final Map<String, LocatedNode> fields = new LinkedHashMap<>();
    final List<LocatedNode> items = new ArrayList<>();
    final JsonToken token;
    final String text;

    private LocatedNode(Kind kind, int line, JsonToken token, String text) {
        this.kind = kind;
        this.line = line;
        this.token = token;
        this.text = text;
    }

    /** Reads the value the parser is at (its current token). */
    static LocatedNode read(JsonParser p, String file) throws IOException, PlanException {
        JsonToken t = p.currentToken();
        int line = p.currentTokenLocation().getLineNr();
        if (t == JsonToken.START_OBJECT) {
            LocatedNode node = new LocatedNode(Kind.OBJECT, line, t, null);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                int keyLine = p.currentTokenLocation().getLineNr();
                if (node.fields.containsKey(key)) {
                    throw new PlanException(file + " line " + keyLine + ": '" + key + "' given twice");
                }
                p.nextToken();
                LocatedNode value = read(p, file);
                node.fields.put(key, value.at(keyLine));
            }
            return node;
        }
        if (t == JsonToken.START_ARRAY) {
            LocatedNode node = new LocatedNode(Kind.ARRAY, line, t, null);
            while (p.nextToken() != JsonToken.END_ARRAY) {
                node.items.add(read(p, file));
            }
            return node;
        }
        return new LocatedNode(Kind.SCALAR, line, t, t == JsonToken.VALUE_NULL ? null : p.getText());
    }

    /** The same value, located at its key's line (where a person looks for it). */
    private LocatedNode at(int keyLine) {
        LocatedNode copy = new LocatedNode(kind, keyLine, token, text);
        copy.fields.putAll(fields);
        copy.items.addAll(items);
        return copy;
    }
}
