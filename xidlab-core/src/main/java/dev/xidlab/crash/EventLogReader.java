package dev.xidlab.crash;

import dev.xidlab.dump.Bugcheck;
import dev.xidlab.dump.DumpFormatException;
import dev.xidlab.io.InputFile;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * Reads the bugcheck events of a System event-log export: the XML of {@code wevtutil qe System /f:xml} (a run of
 * {@code <Event>} elements with no root) or of {@code Get-WinEvent ... | % { $_.ToXml() }}, with or without an
 * enclosing {@code <Events>}. Other events are ignored.
 */
public final class EventLogReader {

    private static final Pattern WER_PARAM1 = Pattern.compile(
            "\\s*(0x[0-9a-fA-F]+)\\s*\\(\\s*(0x[0-9a-fA-F]+)\\s*,\\s*(0x[0-9a-fA-F]+)\\s*,\\s*(0x[0-9a-fA-F]+)\\s*,"
                    + "\\s*(0x[0-9a-fA-F]+)\\s*\\)\\s*");
    private static final int MAX_EXPORT_BYTES = 64 << 20;

    private EventLogReader() {
    }

    static boolean looksLikeExport(Path file) {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return name.endsWith(".xml");
    }

    public static List<BugcheckEvent> read(Path file) throws DumpFormatException {
        Optional<String> problem = InputFile.problem(file);
        if (problem.isPresent()) {
            throw new DumpFormatException(file + ": " + problem.get());
        }
        try {
            if (Files.size(file) > MAX_EXPORT_BYTES) {
                throw new DumpFormatException(file + ": event-log export larger than " + (MAX_EXPORT_BYTES >> 20)
                        + " MiB; export only events 1001 and 41");
            }
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new DumpFormatException(file + ": cannot read: " + e.getMessage());
        }
    }

    public static List<BugcheckEvent> parse(String xml, String name) throws DumpFormatException {
        List<BugcheckEvent> events = new ArrayList<>();
        for (Entry entry : entries(xml, name)) {
            bugcheck(entry, name).ifPresent(events::add);
        }
        return events;
    }

    /**
     * One entry of an export as it was logged, whatever its kind: the provider, the event id and the named data,
     * and its time as written (read by {@link #time}, so an entry nobody asks about never fails the export).
     */
    public record Entry(String provider, String id, String created, String computer, Map<String, String> data) {

        public Entry {
            data = Map.copyOf(data);
        }

        public boolean is(String providerName, String eventId) {
            return provider.equals(providerName) && id.equals(eventId);
        }

        public Instant time(String name) throws DumpFormatException {
            try {
                return Instant.parse(created);
            } catch (DateTimeParseException e) {
                throw new DumpFormatException(name + ": event time '" + created + "' is not ISO-8601");
            }
        }
    }

    /** Every entry of an export, in the order logged. */
    public static List<Entry> entries(String xml, String name) throws DumpFormatException {
        String text = xml.strip();
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        text = text.replaceFirst("^<\\?xml[^>]*\\?>", "");
        Document doc;
        try {
            doc = builder().parse(new InputSource(new StringReader("<xidlab-export>" + text + "</xidlab-export>")));
        } catch (SAXException e) {
            throw new DumpFormatException(name + ": not an event-log XML export: " + e.getMessage());
        } catch (IOException e) {
            throw new DumpFormatException(name + ": cannot read: " + e.getMessage());
        }
        List<Entry> entries = new ArrayList<>();
        NodeList all = doc.getElementsByTagNameNS("*", "Event");
        for (int i = 0; i < all.getLength(); i++) {
            Element event = (Element) all.item(i);
            Element system = child(event, "System");
            if (system == null) {
                continue;
            }
            Element provider = child(system, "Provider");
            Element id = child(system, "EventID");
            Element created = child(system, "TimeCreated");
            Element computer = child(system, "Computer");
            entries.add(new Entry(provider == null ? "" : provider.getAttribute("Name"),
                    id == null ? "" : id.getTextContent().trim(), created == null ? "" : created.getAttribute("SystemTime"),
                    computer == null ? "" : computer.getTextContent().trim(), eventData(event)));
        }
        return entries;
    }

    /** The bugcheck an entry records (event 1001 of WER's SystemErrorReporting, Kernel-Power 41), if it is one. */
    public static Optional<BugcheckEvent> bugcheck(Entry entry, String name) throws DumpFormatException {
        Map<String, String> data = entry.data();
        if (entry.is("Microsoft-Windows-WER-SystemErrorReporting", "1001")) {
            Matcher m = WER_PARAM1.matcher(data.getOrDefault("param1", ""));
            if (!m.matches()) {
                throw new DumpFormatException(name + ": event 1001 with a param1 that is not"
                        + " \"0xCODE (0xP1, 0xP2, 0xP3, 0xP4)\": '" + data.getOrDefault("param1", "") + "'");
            }
            return Optional.of(new BugcheckEvent.WerBugcheck(entry.time(name), entry.computer(),
                    new Bugcheck(hex(m.group(1), name), List.of(hex(m.group(2), name), hex(m.group(3), name),
                            hex(m.group(4), name), hex(m.group(5), name))),
                    Optional.ofNullable(data.get("param2")).filter(s -> !s.isBlank()),
                    Optional.ofNullable(data.get("param3")).filter(s -> !s.isBlank())));
        }
        if (entry.is("Microsoft-Windows-Kernel-Power", "41")) {
            String code = data.getOrDefault("BugcheckCode", "0");
            long bugcheckCode;
            try {
                bugcheckCode = Long.parseLong(code.trim());
            } catch (NumberFormatException e) {
                throw new DumpFormatException(name + ": Kernel-Power 41 BugcheckCode '" + code + "' is not decimal");
            }
            if (bugcheckCode == 0) {
                return Optional.empty();        // a power loss, not a bugcheck
            }
            List<Long> params = new ArrayList<>();
            for (int p = 1; p <= 4; p++) {
                params.add(hex(data.getOrDefault("BugcheckParameter" + p, "0x0"), name));
            }
            return Optional.of(new BugcheckEvent.KernelPowerBugcheck(entry.time(name), entry.computer(),
                    new Bugcheck(bugcheckCode, params)));
        }
        return Optional.empty();
    }

    private static Map<String, String> eventData(Element event) {
        Map<String, String> data = new HashMap<>();
        Element eventData = child(event, "EventData");
        if (eventData == null) {
            return data;
        }
        NodeList items = eventData.getChildNodes();
        for (int i = 0; i < items.getLength(); i++) {
            if (items.item(i) instanceof Element e && e.getLocalName().equals("Data")) {
                data.put(e.getAttribute("Name"), e.getTextContent().trim());
            }
        }
        return data;
    }

    private static Element child(Element parent, String localName) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && localName.equals(e.getLocalName())) {
                return e;
            }
        }
        return null;
    }

    private static long hex(String text, String name) throws DumpFormatException {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            return Long.parseUnsignedLong(t.startsWith("0x") ? t.substring(2) : t, 16);
        } catch (NumberFormatException e) {
            throw new DumpFormatException(name + ": '" + text + "' is not a hexadecimal number");
        }
    }

    private static DocumentBuilder builder() throws DumpFormatException {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(new org.xml.sax.helpers.DefaultHandler() {
                @Override
                public void fatalError(org.xml.sax.SAXParseException e) throws SAXException {
                    throw e;    // reported once, as this file's error, not printed by the parser
                }

                @Override
                public void error(org.xml.sax.SAXParseException e) throws SAXException {
                    throw e;
                }
            });
            return b;
        } catch (ParserConfigurationException e) {
            throw new DumpFormatException("no safe XML parser available: " + e.getMessage());
        }
    }
}
