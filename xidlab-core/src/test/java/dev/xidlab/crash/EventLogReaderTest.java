package dev.xidlab.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xidlab.dump.Bugcheck;
import dev.xidlab.dump.DumpBuilder;
import dev.xidlab.dump.DumpFormatException;
import dev.xidlab.dump.DumpReaderTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventLogReaderTest {

    static final Path EXPORT = Path.of(System.getProperty("xidlab.projectDir", "."),
            "fixtures/eventlogs/system-bugchecks.xml");
    static final List<Long> PARAMS = List.of(8L, 0xfffff8047e6a9e70L, 0xffff8504298ba000L, 0xfffff80477e03c40L);

    @TempDir
    Path dir;

    @Test
    void werEvent1001GivesTheStopTheDumpAndTheReport() throws Exception {
        BugcheckEvent.WerBugcheck wer = EventLogReader.read(EXPORT).stream()
                .filter(BugcheckEvent.WerBugcheck.class::isInstance).map(BugcheckEvent.WerBugcheck.class::cast)
                .findFirst().orElseThrow();

        assertEquals(new Bugcheck(0x1000007FL, PARAMS), wer.bugcheck());
        assertEquals(Optional.of("112426-01.dmp"), wer.dumpFileName());
        assertEquals(Optional.of("6a1e1f5e-1d42-4b8c-9c36-2b53c0b7d2a4"), wer.reportId());
        assertEquals(Instant.parse("2026-11-24T14:05:24.883721Z"), wer.time());
    }

    @Test
    void kernelPower41GivesTheStopInDecimalAndHex() throws Exception {
        BugcheckEvent power = EventLogReader.read(EXPORT).get(0);

        assertInstanceOf(BugcheckEvent.KernelPowerBugcheck.class, power);
        assertEquals(new Bugcheck(0x1000007FL, PARAMS), power.bugcheck());
        assertEquals("xidlab-guest", power.computer());
    }

    @Test
    void aPowerLossAndOtherEventsAreNotBugchecks() throws Exception {
        assertEquals(2, EventLogReader.read(EXPORT).size());
    }

    @Test
    void getWinEventExportsWrappedInAnEventsElementReadTheSame() throws Exception {
        String wrapped = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Events>" + Files.readString(EXPORT)
                + "</Events>";

        assertEquals(EventLogReader.read(EXPORT), EventLogReader.parse(wrapped, "wrapped.xml"));
    }

    @Test
    void brokenXmlIsOneLineNamingTheFile() {
        DumpFormatException e = assertThrows(DumpFormatException.class,
                () -> EventLogReader.parse("<Event><System>", "broken.xml"));

        assertTrue(e.getMessage().startsWith("broken.xml: not an event-log XML export"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void aDoctypeIsRefusedSoNoEntityIsExpanded() {
        assertThrows(DumpFormatException.class, () -> EventLogReader.parse(
                "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><Event>&e;</Event>", "evil.xml"));
    }

    @Test
    void aScanRelatesBothEventsToTheDumpTheyDescribe() throws Exception {
        Path dump = dir.resolve("112426-01.dmp");
        Files.write(dump, new DumpBuilder().bugcheck(0x1000007FL, PARAMS.stream().mapToLong(Long::longValue)
                .toArray()).module("\\SystemRoot\\system32\\ntoskrnl.exe", 0xfffff8047ba00000L, 0x1046000).build());
        Files.copy(EXPORT, dir.resolve("system.xml"));

        List<ScanEntry> entries = CrashScan.scan(CrashScan.collect(List.of(dir)), "xidfilter.sys");

        assertEquals(1, entries.size(), entries.toString());
        ScanEntry.Dump d = assertInstanceOf(ScanEntry.Dump.class, entries.get(0));
        assertEquals(2, d.events().size());
    }

    @Test
    void aScanGoesOnPastAnUnreadableFile() throws Exception {
        Files.write(dir.resolve("bad.dmp"), new byte[] {'P', 'A', 'G', 'E'});
        Files.copy(DumpReaderTest.FIXTURE, dir.resolve("good.dmp"));

        List<ScanEntry> entries = CrashScan.scan(CrashScan.collect(List.of(dir)), "xidfilter.sys");

        assertInstanceOf(ScanEntry.Dump.class, entries.get(0));
        ScanEntry.Unreadable bad = assertInstanceOf(ScanEntry.Unreadable.class, entries.get(1));
        assertTrue(bad.reason().contains("bad.dmp"), bad.reason());
    }
}
