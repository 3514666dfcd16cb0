package dev.xidlab.lab.vm;

import dev.xidlab.lab.LabException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the lab reads of a driver package's INF on the host (issue 24), to choose how the Windows guest installs it:
 * its sections, their lines, and its [Strings]. An INF is UTF-16 or UTF-8 with a byte-order mark, or else in the
 * system's ANSI code page, read here as Latin-1: the section names and keys the lab looks for are ASCII.
 */
final class InfFile {

    /** The decorations an x64 Windows looks for, in its order: the architecture's, then any NT, then none. */
    private static final List<String> X64_DECORATIONS = List.of(".ntamd64", ".nt", "");

    private final String fileName;
    /** Lower-cased section name to the name as the INF writes it. */
    private final Map<String, String> names = new LinkedHashMap<>();
    /** Lower-cased section name to its lines: comments gone, continuations joined. */
    private final Map<String, List<String>> sections = new LinkedHashMap<>();

    private InfFile(String fileName) {
        this.fileName = fileName;
    }

    static InfFile read(Path inf) {
        try {
            return parse(inf.getFileName().toString(), decode(Files.readAllBytes(inf)));
        } catch (IOException e) {
            throw new LabException("the package's INF " + inf + " cannot be read: " + e.getMessage(), e);
        }
    }

    static InfFile parse(String fileName, String text) {
        InfFile inf = new InfFile(fileName);
        List<String> current = null;
        StringBuilder pending = new StringBuilder();
        for (String raw : text.lines().toList()) {
            String line = pending + withoutComment(raw).strip();
            pending.setLength(0);
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1);
                continue;
            }
            if (line.startsWith("[") && line.indexOf(']') > 0) {
                String name = line.substring(1, line.indexOf(']')).strip();
                inf.names.putIfAbsent(key(name), name);
                current = inf.sections.computeIfAbsent(key(name), k -> new ArrayList<>());
            } else if (current != null && !line.isEmpty()) {
                current.add(line);
            }
        }
        return inf;
    }

    String fileName() {
        return fileName;
    }

    /** The [DefaultInstall] section an x64 Windows runs, as the INF spells it; empty for an INF without one. */
    Optional<String> defaultInstall() {
        return decorated("defaultinstall");
    }

    /**
     * The [DefaultUninstall] section an x64 Windows runs; empty without one, or when it says LegacyUninstall=1 (a
     * primitive driver's, kept for Windows before 1903: the driver store uninstalls it since).
     */
    Optional<String> defaultUninstall() {
        return decorated("defaultuninstall").filter(s -> values(s, "LegacyUninstall").stream().noneMatch("1"::equals));
    }

    /** A [Manufacturer] section: the INF installs on the devices its models match (a PnP driver's INF). */
    boolean hasManufacturer() {
        return sections.containsKey("manufacturer");
    }

    /**
     * The service an AddService directive creates: the one whose ServiceBinary is the module, else the first; empty
     * when the INF adds none.
     */
    Optional<String> service(String module) {
        String first = null;
        for (String section : sections.keySet()) {
            for (String add : values(section, "AddService")) {
                List<String> fields = fields(add);
                String name = unquote(resolve(fields.get(0)));
                if (name.isEmpty()) {
                    continue;
                }
                first = first == null ? name : first;
                String installSection = fields.size() > 2 ? resolve(fields.get(2)) : "";
                if (values(installSection, "ServiceBinary").stream().map(b -> unquote(resolve(b)))
                        .anyMatch(b -> key(b).endsWith("\\" + key(module)) || key(b).equals(key(module)))) {
                    return Optional.of(name);
                }
            }
        }
        return Optional.ofNullable(first);
    }

    /** Whether any line of it names the module (a CopyFiles list, a ServiceBinary). */
    boolean names(String module) {
        return sections.values().stream().flatMap(List::stream)
                .anyMatch(line -> key(line).contains(key(module)));
    }

    private Optional<String> decorated(String base) {
        return X64_DECORATIONS.stream().map(d -> base + d).filter(sections::containsKey).findFirst().map(names::get);
    }

    /** The values of a key in a section, as written (a key may repeat: AddService, CopyFiles). */
    private List<String> values(String section, String name) {
        List<String> values = new ArrayList<>();
        for (String line : sections.getOrDefault(key(section), List.of())) {
            int eq = line.indexOf('=');
            if (eq > 0 && key(unquote(line.substring(0, eq).strip())).equals(key(name))) {
                values.add(line.substring(eq + 1).strip());
            }
        }
        return values;
    }

    /** %name% from [Strings] (or a localized [Strings.xxxx]); %12% and other DIRIDs, and unknown names, stay. */
    private String resolve(String value) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (at < value.length()) {
            int open = value.indexOf('%', at);
            int close = open < 0 ? -1 : value.indexOf('%', open + 1);
            if (close < 0) {
                out.append(value, at, value.length());
                break;
            }
            String token = value.substring(open + 1, close);
            out.append(value, at, open).append(token.isEmpty() ? "%" : string(token).orElse("%" + token + "%"));
            at = close + 1;
        }
        return out.toString().strip();
    }

    private Optional<String> string(String token) {
        List<String> stringSections = new ArrayList<>(List.of("strings"));
        sections.keySet().stream().filter(s -> s.startsWith("strings.")).forEach(stringSections::add);
        return stringSections.stream().flatMap(s -> values(s, token).stream()).findFirst().map(InfFile::unquote);
    }

    private static List<String> fields(String value) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (char c : value.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                fields.add(field.toString().strip());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString().strip());
        return fields;
    }

    private static String withoutComment(String line) {
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ';' && !quoted) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    private static String unquote(String value) {
        String v = value.strip();
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")
                ? v.substring(1, v.length() - 1).replace("\"\"", "\"") : v;
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    private static String decode(byte[] b) {
        if (b.length >= 2 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xfe) {
            return new String(b, 2, b.length - 2, StandardCharsets.UTF_16LE);
        }
        if (b.length >= 2 && (b[0] & 0xff) == 0xfe && (b[1] & 0xff) == 0xff) {
            return new String(b, 2, b.length - 2, StandardCharsets.UTF_16BE);
        }
        if (b.length >= 3 && (b[0] & 0xff) == 0xef && (b[1] & 0xff) == 0xbb && (b[2] & 0xff) == 0xbf) {
            return new String(b, 3, b.length - 3, StandardCharsets.UTF_8);
        }
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
