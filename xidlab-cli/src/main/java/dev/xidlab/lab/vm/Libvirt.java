package dev.xidlab.lab.vm;

import dev.xidlab.lab.LabException;
import dev.xidlab.lab.runner.CommandResult;
import dev.xidlab.lab.runner.CommandRunner;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * The hypervisor's view of the guest, through {@code virsh} on the host: the domain's state and why, the panic
 * device that reports a guest's crash the moment it happens, and the actions on a crashed or hung domain.
 *
 * <p>Why {@code on_crash=preserve}: a panic device makes QEMU stop the guest at the crash notification. For a
 * Windows guest with the Hyper-V crash MSRs that notification comes at the start of the bugcheck, before the dump
 * is written to the pagefile (QEMU's documentation of hv-crash says so), so {@code destroy} or {@code restart}
 * would lose the dump. {@code preserve} keeps the stopped guest as {@code crashed (panicked)}: the host reads the
 * signal (and, for Hyper-V, the bugcheck code and parameters QEMU logged), then resumes the domain, and the guest
 * goes on exactly as it would have without the device: it writes its dump and reboots itself (AutoReboot on
 * Windows; {@code panic=1} on the stand-in).
 */
public final class Libvirt {

    /** The panic device a guest's kernel can notify. */
    public enum PanicModel {
        /** Hyper-V crash MSRs: Windows reports the bugcheck code and four parameters. Needs KVM. */
        HYPERV,
        /** QEMU's pvpanic on ISA port 0x505: Linux (pvpanic module), Windows with virtio-win's pvpanic driver. */
        ISA
    }

    /** {@code virsh domstate --reason}: "running (booted)", "crashed (panicked)", "shut off (destroyed)". */
    public record DomainState(String state, String reason) {

        public boolean crashed() {
            return state.equals("crashed") || reason.equals("panicked");
        }

        public boolean running() {
            return state.equals("running");
        }

        public boolean off() {
            return state.equals("shut off");
        }

        @Override
        public String toString() {
            return reason.isEmpty() ? state : state + " (" + reason + ")";
        }
    }

    private static final Duration QUICK = Duration.ofSeconds(60);
    private static final Pattern STATE = Pattern.compile("^([a-z ]+?)(?: \\(([a-z ]+)\\))?$");
    private static final Pattern HYPERV_PANIC = Pattern.compile(
            "hyper-v: arg1='(0x[0-9a-fA-F]+)', arg2='(0x[0-9a-fA-F]+)', arg3='(0x[0-9a-fA-F]+)',"
                    + " arg4='(0x[0-9a-fA-F]+)', arg5='(0x[0-9a-fA-F]+)'");

    private final CommandRunner runner;
    private final String uri;
    private final Path logDirectory;

    /**
     * @param uri          the connection vagrant-libvirt uses ({@code qemu:///system} by default)
     * @param logDirectory where libvirt keeps each domain's QEMU log ({@code /var/log/libvirt/qemu})
     */
    public Libvirt(CommandRunner runner, String uri, Path logDirectory) {
        this.runner = runner;
        this.uri = uri;
        this.logDirectory = logDirectory;
    }

    public static Libvirt system(CommandRunner runner) {
        return new Libvirt(runner, "qemu:///system", Path.of("/var/log/libvirt/qemu"));
    }

    public String uri() {
        return uri;
    }

    /** Whether virsh runs and reaches libvirtd; the one-line reason when not. */
    public Optional<String> unreachableReason() {
        CommandResult r;
        try {
            r = virsh("version");
        } catch (LabException e) {
            return Optional.of(e.getMessage());
        }
        return r.succeeded() ? Optional.empty() : Optional.of("virsh cannot reach libvirtd at " + uri + ": "
                + r.lastErrorLine());
    }

    public DomainState state(String domain) {
        return parseState(virshOrFail("reading the state of " + domain, "domstate", "--reason", domain));
    }

    /** {@code virsh domstate --reason}'s answer. */
    static DomainState parseState(String answer) {
        String out = answer.strip();
        Matcher m = STATE.matcher(out);
        if (!m.matches()) {
            throw new LabException("virsh domstate said something unexpected: " + out);
        }
        return new DomainState(m.group(1), m.group(2) == null ? "" : m.group(2));
    }

    /** Whether a storage pool is active; empty when it is not defined. */
    public Optional<Boolean> poolActive(String pool) {
        CommandResult r = virsh("pool-info", pool);
        if (!r.succeeded()) {
            return Optional.empty();
        }
        return Optional.of(r.stdout().lines().anyMatch(l -> l.startsWith("State:") && l.contains("running")));
    }

    /** The domain's name (vagrant-libvirt keeps its UUID in .vagrant/). */
    public String name(String domain) {
        return virshOrFail("naming " + domain, "domname", domain).strip();
    }

    /**
     * Makes the domain keep a crashed guest ({@code on_crash=preserve}, set on the running domain and its
     * definition alike) and gives its definition the panic device if it has none. Returns whether the definition
     * gained the device: it exists only from the domain's next start, so a running domain needs a power cycle.
     * A device given on QEMU's command line at creation (the stand-in's pvpanic, through vagrant-libvirt's
     * qemuargs) counts: it reports to libvirt the same way, and a second one on the same port would not start.
     */
    public boolean ensureCrashSignal(String domain, PanicModel model) {
        String xml = virshOrFail("reading the definition of " + domain, "dumpxml", "--inactive", domain);
        Document doc = parse(xml);
        if (!"preserve".equals(text(firstChild(doc.getDocumentElement(), "on_crash")))) {
            boolean running = state(domain).running() || state(domain).crashed();
            if (running) {
                virshOrFail("keeping " + domain + " when it crashes", "set-lifecycle-action", domain, "crash",
                        "preserve", "--live", "--config");
            } else {
                virshOrFail("keeping " + domain + " when it crashes", "set-lifecycle-action", domain, "crash",
                        "preserve", "--config");
            }
        }
        if (hasPanicDevice(doc, model)) {
            return false;
        }
        Optional<String> edited = withCrashSignal(xml, model);
        if (edited.isEmpty()) {
            return false;
        }
        Path file;
        try {
            file = Files.createTempFile("xidlab-domain-", ".xml");
            Files.writeString(file, edited.get());
        } catch (IOException e) {
            throw new LabException("cannot write the edited domain definition: " + e.getMessage(), e);
        }
        try {
            virshOrFail("defining " + domain + " with a panic device", "define", file.toString());
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // A temp file left behind is harmless.
            }
        }
        return true;
    }

    /**
     * The definition with the panic device and {@code on_crash=preserve}, or empty when it has both already.
     * A different panic device is replaced: one domain reports through one.
     */
    static Optional<String> withCrashSignal(String domainXml, PanicModel model) {
        Document doc = parse(domainXml);
        Element domain = doc.getDocumentElement();
        boolean changed = false;
        Element onCrash = firstChild(domain, "on_crash");
        if (onCrash == null) {
            onCrash = doc.createElement("on_crash");
            domain.appendChild(onCrash);
        }
        if (!"preserve".equals(onCrash.getTextContent().strip())) {
            onCrash.setTextContent("preserve");
            changed = true;
        }
        Element devices = firstChild(domain, "devices");
        if (devices == null) {
            throw new LabException("the domain definition has no <devices>");
        }
        String wanted = model.name().toLowerCase(Locale.ROOT);
        List<Element> panics = children(devices, "panic");
        boolean present = panics.size() == 1 && wanted.equals(panics.get(0).getAttribute("model"));
        if (!present) {
            panics.forEach(devices::removeChild);
            Element panic = doc.createElement("panic");
            panic.setAttribute("model", wanted);
            if (model == PanicModel.ISA) {
                Element address = doc.createElement("address");
                address.setAttribute("type", "isa");
                address.setAttribute("iobase", "0x505");
                panic.appendChild(address);
            }
            devices.appendChild(panic);
            changed = true;
        }
        return changed ? Optional.of(serialize(doc)) : Optional.empty();
    }

    /** A {@code <panic>} of the model, or for ISA a pvpanic device on QEMU's own command line. */
    static boolean hasPanicDevice(Document doc, PanicModel model) {
        String wanted = model.name().toLowerCase(Locale.ROOT);
        Element devices = firstChild(doc.getDocumentElement(), "devices");
        if (devices != null && children(devices, "panic").stream().anyMatch(p -> wanted.equals(p.getAttribute("model")))) {
            return true;
        }
        if (model != PanicModel.ISA) {
            return false;
        }
        NodeList args = doc.getElementsByTagName("qemu:arg");
        for (int i = 0; i < args.getLength(); i++) {
            if (((Element) args.item(i)).getAttribute("value").startsWith("pvpanic")) {
                return true;
            }
        }
        return false;
    }

    private static String text(Element e) {
        return e == null ? "" : e.getTextContent().strip();
    }

    /** Lets a guest stopped at its crash notification go on (write its dump, reboot). */
    public void resume(String domain) {
        virshOrFail("resuming the crashed " + domain, "resume", domain);
    }

    /**
     * A diagnostic NMI to every processor of the domain: what Microsoft's procedure for a hung machine uses to force
     * a crash dump (Windows bugchecks 0x80 NMI_HARDWARE_FAILURE and writes its dump as for any crash), and what a
     * Linux kernel booted with {@code kernel.unknown_nmi_panic=1} panics on.
     */
    public void injectNmi(String domain) {
        virshOrFail("sending an NMI to " + domain, "inject-nmi", domain);
    }

    /** Pulls the plug: for a hung guest that an NMI did not bring back, before starting it again. */
    public void destroy(String domain) {
        CommandResult r = virsh("destroy", domain);
        if (!r.succeeded() && !r.lastErrorLine().contains("not running")) {
            throw new LabException("virsh destroy " + domain + " failed: " + r.lastErrorLine());
        }
    }

    public void start(String domain) {
        virshOrFail("starting " + domain, "start", domain);
    }

    /**
     * The bugcheck a Windows guest reported through the Hyper-V crash MSRs, as QEMU logged it in the domain's log
     * (arg1 the code, arg2-5 the parameters); empty for other panic devices, or when the log cannot be read.
     */
    public Optional<List<Long>> hypervCrashReport(String domainName) {
        Path log = logDirectory.resolve(domainName + ".log");
        try {
            return hypervCrashReportIn(Files.readString(log));
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    /** The last Hyper-V crash report in a domain log's text. */
    static Optional<List<Long>> hypervCrashReportIn(String text) {
        Matcher m = HYPERV_PANIC.matcher(text);
        List<Long> last = null;
        while (m.find()) {
            last = new ArrayList<>();
            for (int g = 1; g <= 5; g++) {
                last.add(Long.parseUnsignedLong(m.group(g).substring(2), 16));
            }
        }
        return Optional.ofNullable(last);
    }

    private String virshOrFail(String what, String... args) {
        CommandResult r = virsh(args);
        if (!r.succeeded()) {
            throw new LabException(what + " failed: " + r.lastErrorLine());
        }
        return r.stdout();
    }

    private CommandResult virsh(String... args) {
        List<String> command = new ArrayList<>(List.of("virsh", "-q", "-c", uri));
        command.addAll(List.of(args));
        return runner.run(command, Path.of(System.getProperty("java.io.tmpdir")), QUICK);
    }

    private static Document parse(String xml) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            DocumentBuilder b = f.newDocumentBuilder();
            return b.parse(new InputSource(new StringReader(xml)));
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new LabException("the domain definition is not XML: " + e.getMessage(), e);
        }
    }

    private static String serialize(Document doc) {
        try {
            Transformer t = TransformerFactory.newInstance().newTransformer();
            t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            StringWriter out = new StringWriter();
            t.transform(new DOMSource(doc), new StreamResult(out));
            return out.toString();
        } catch (TransformerException e) {
            throw new LabException("cannot write the domain definition: " + e.getMessage(), e);
        }
    }

    private static Element firstChild(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? null : found.get(0);
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i) instanceof Element e && e.getTagName().equals(name)) {
                found.add(e);
            }
        }
        return found;
    }
}
