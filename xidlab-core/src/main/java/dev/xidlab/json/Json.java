package dev.xidlab.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one JSON dialect of xidlab: records as objects, {@code Optional} as its value or null, durations and times in
 * ISO-8601. The command line prints with it and the matrix writes its results and summaries with it, so it lives
 * where both can depend on it without depending on each other.
 */
public final class Json {

    private Json() {
    }

    /** Indented, for files and output a person may read. */
    public static ObjectMapper mapper() {
        return new ObjectMapper()
                .registerModule(new Jdk8Module())
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .enable(SerializationFeature.INDENT_OUTPUT);
    }

    /** One value per line, for append-only files such as results.jsonl. */
    public static ObjectMapper lineMapper() {
        return mapper().disable(SerializationFeature.INDENT_OUTPUT);
    }
}
