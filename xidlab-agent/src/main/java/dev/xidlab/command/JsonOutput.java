package dev.xidlab.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xidlab.json.Json;
import java.io.PrintWriter;

/** What {@code --json} prints: records as indented JSON, durations and times in ISO-8601 ({@link Json}). */
public final class JsonOutput {

    private static final ObjectMapper MAPPER = Json.mapper();

    private JsonOutput() {
    }

    public static void print(PrintWriter out, Object value) {
        try {
            out.println(MAPPER.writeValueAsString(value));
            out.flush();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON: " + e.getOriginalMessage(), e);
        }
    }
}
