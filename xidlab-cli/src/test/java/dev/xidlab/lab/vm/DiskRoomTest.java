package dev.xidlab.lab.vm;

import static dev.xidlab.lab.vm.ScriptedWindowsShell.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Room on a Windows guest's C: for the pagefile and MEMORY.DMP at the guest's memory size, as `lab doctor` (and so
 * `lab up`) checks it and guest-setup.ps1 refuses to provision without it: the PowerShell the doctor sends, its
 * answer read, and the arithmetic, here where the guest's PowerShell cannot run (ScriptedWindowsShell answers).
 * The figures are a 2048 MiB guest's (Windows sees 2047.5 MiB of it) on a 3 GiB-free C: with its 2560 MiB pagefile.
 */
class DiskRoomTest {

    private static final String GUEST_2048 = "free=3221225472 memory=2146951168 pagefile=2684354560 dump=0 dumpdrive=C:\r\n";
    private static final String CHECK = "room on C: for the pagefile and a kernel dump";

    @Test
    void theGuestsFiguresAreReadFromItsOneLine() {
        assertEquals(Optional.of(new DiskRoom(3221225472L, 2146951168L, 2684354560L, 0, true)), DiskRoom.parse(GUEST_2048));
        assertEquals(Optional.empty(), DiskRoom.parse("Get-CimInstance : Access denied"));
    }

    @Test
    void aGuestWithRoomForItsPagefileAndAKernelDumpAtItsMemoryPasses() {
        DiskRoom room = DiskRoom.parse(GUEST_2048).orElseThrow();

        assertEquals(2048 + 512 + 2048, room.neededMiB(OptionalInt.empty()));
        assertEquals(3072 + 2560, room.availableMiB());
        assertEquals(new GuestCheck.Judged(true, "the pagefile (2560 MiB) and MEMORY.DMP (2048 MiB) at 2048 MiB of memory"
                + " need 4608 MiB; C: has 5632 MiB for them (free 3072, the present pagefile 2560, the present"
                + " MEMORY.DMP 0)"), room.judge(OptionalInt.empty()));
    }

    @Test
    void aSitesSizingRaisesBothAndTheCheckSaysHowMuchIsMissing() {
        DiskRoom room = DiskRoom.parse(GUEST_2048).orElseThrow();

        GuestCheck.Judged judged = room.judge(OptionalInt.of(8192));

        assertEquals(8192 + 512 + 8192 - 5632, room.missingMiB(OptionalInt.of(8192)));
        assertEquals(false, judged.ok());
        assertTrue(judged.detail().startsWith("11264 MiB missing: the pagefile (8704 MiB) and MEMORY.DMP (8192 MiB) at"
                + " 8192 MiB of memory need 16896 MiB"), judged.detail());
    }

    @Test
    void aDumpFileOnAnotherDriveTakesNoRoomOnC() {
        DiskRoom room = DiskRoom.parse("free=1073741824 memory=2146951168 pagefile=2684354560 dump=0 dumpdrive=D:")
                .orElseThrow();

        assertEquals(2048 + 512, room.neededMiB(OptionalInt.empty()));
        assertEquals(0, room.missingMiB(OptionalInt.empty()));
    }

    @Test
    void theDoctorSendsTheFiguresScriptAndFailsTheCheckWithWhatIsMissing() {
        ScriptedWindowsShell shell = new ScriptedWindowsShell()
                .answer("OSVersion", ok("Microsoft Windows NT 10.0.19045.0\r\nkernel build 19041\r\n"))
                .answer("Win32_LogicalDisk", ok(GUEST_2048));

        List<LabDoctor.Finding> findings = LabDoctor.guest(shell, new WindowsGuest(OptionalInt.of(8192)));

        LabDoctor.Finding room = findings.stream().filter(f -> f.check().equals(CHECK)).findFirst().orElseThrow();
        assertEquals(LabDoctor.Finding.Status.FAIL, room.status());
        assertTrue(room.detail().startsWith("11264 MiB missing"), room.detail());
        assertTrue(room.fix().contains("larger disk"), room.fix());
        String sent = shell.scripts.stream().filter(s -> s.contains("Win32_LogicalDisk")).findFirst().orElseThrow();
        assertTrue(sent.contains("Get-CimInstance Win32_LogicalDisk -Filter \"DeviceID='C:'\""), sent);
        assertTrue(sent.contains("Win32_PageFileUsage | Where-Object { $_.Name -like 'C:\\*' }"), sent);
        assertTrue(sent.contains("ExpandEnvironmentVariables($cc.DumpFile)"), sent);
    }

    @Test
    void theMemoryTheLabGivesTheGuestIsTheMemoryTheCheckIsFor() {
        VagrantLab.Setup setup = new VagrantLab.Setup(Path.of("."), "xidlab/windows", false, java.time.Duration.ofMinutes(20),
                java.time.Duration.ofMinutes(90), java.time.Duration.ofMinutes(10), Optional.empty(),
                java.util.Map.of("XIDLAB_GUEST_MEMORY", "8192"));
        GuestCheck check = setup.guest().checks().stream().filter(c -> c.name().equals(CHECK)).findFirst().orElseThrow();

        GuestCheck.Judged judged = check.reading().orElseThrow().read(GUEST_2048);

        assertTrue(judged.detail().startsWith("11264 MiB missing"), judged.detail());
    }

    @Test
    void anAnswerThatIsNotTheFiguresFailsTheCheckWithWhatTheGuestSaid() {
        ScriptedWindowsShell shell = new ScriptedWindowsShell().answer("Win32_LogicalDisk", ok("something else"));

        LabDoctor.Finding room = LabDoctor.guest(shell, new WindowsGuest()).stream()
                .filter(f -> f.check().equals(CHECK)).findFirst().orElseThrow();

        assertEquals(new LabDoctor.Finding(CHECK, LabDoctor.Finding.Status.FAIL,
                "the guest's figures did not read: something else", room.fix()), room);
    }

    @Test
    void theSetupSizesThePagefileWithTheHeadroomTheCheckCountsAndRefusesACWithoutRoom() throws Exception {
        String setup = Files.readString(Path.of("vagrant/provision/guest-setup.ps1"));
        long headroom = DiskRoom.PAGEFILE_HEADROOM_MIB;

        assertTrue(setup.contains("InitialSize = [uint32]($ramMiB + " + headroom + ")"), "the pagefile it makes");
        assertTrue(setup.contains("$need = ($ramMiB + " + headroom + ") + $ramMiB"), "the room it asks for");
        assertTrue(setup.contains("throw \"C: lacks $($need - $have) MiB"), "what it says when C: lacks it");
    }
}
