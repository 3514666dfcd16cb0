package dev.xidlab.site;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Reads the tab-separated tables kept as data beside this package's classes ('#' lines are comments). */
final class Tables {

    private Tables() {
    }

    static List<String[]> read(String resource, int columns) {
        try (InputStream in = Tables.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the table " + resource + " is missing from the jar");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            return reader.lines().filter(l -> !l.isBlank() && !l.startsWith("#"))
                    .map(l -> {
                        String[] row = l.split("\t", -1);
                        if (row.length < columns - 1 || row.length > columns) {
                            throw new IllegalStateException(resource + ": a row of " + row.length + " columns, not "
                                    + columns + ": " + l);
                        }
                        return row.length == columns ? row : java.util.Arrays.copyOf(row, columns);
                    })
                    .map(row -> {
                        for (int i = 0; i < row.length; i++) {
                            row[i] = row[i] == null ? "" : row[i].strip();
                        }
                        return row;
                    })
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
