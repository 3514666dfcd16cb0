package dev.xidlab.lab.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xidlab.testing.HostTools;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the lab decides between KVM and QEMU's software CPU. /dev/kvm existing proves nothing (a paravirtual KVM
 * runs only special guest kernels): a probe that does what every OS does must run. The probe image runs here for
 * real under the software CPU; the decision is checked against QEMUs that behave like each kind of host.
 */
class AccelerationTest {

    @TempDir
    Path dir;

    private Path fakeQemu(String body) throws Exception {
        Path qemu = dir.resolve("qemu");
        Files.writeString(qemu, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(qemu, PosixFilePermissions.fromString("rwxr-xr-x"));
        return qemu;
    }

    private Path kvm() throws Exception {
        return Files.writeString(dir.resolve("kvm"), "");
    }

    @Test
    void theProbeImageRunsToItsEndOnQemusSoftwareCpu() throws Exception {
        assumeTrue(HostTools.onPath("qemu-system-x86_64"), "qemu-system-x86_64 is not installed");
        Path image = dir.resolve("probe.img");
        try (InputStream in = Acceleration.class.getResourceAsStream("kvm-probe.img")) {
            Files.write(image, in.readAllBytes());
        }
        Process qemu = new ProcessBuilder("qemu-system-x86_64", "-accel", "tcg", "-machine", "pc", "-m", "16",
                "-display", "none", "-nodefaults", "-no-user-config", "-serial", "none", "-monitor", "none",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-drive", "file=" + image + ",format=raw,if=ide")
                .redirectErrorStream(true).start();

        assertTrue(qemu.waitFor(60, TimeUnit.SECONDS));
        assertEquals(99, qemu.exitValue(), "the probe writes 0x31 to isa-debug-exit: QEMU exits (0x31 << 1) | 1");
    }

    @Test
    void aKvmThatRunsTheProbeIsUsed() throws Exception {
        Acceleration a = Acceleration.probe(kvm(), fakeQemu("exit 99").toString());

        assertEquals(Acceleration.Kind.KVM, a.kind());
        assertEquals(Map.of(Acceleration.DRIVER_VARIABLE, "kvm"), a.vagrantEnvironment());
    }

    @Test
    void aKvmThatCannotRunAnOrdinaryGuestFallsBackToTheSoftwareCpuAndSaysWhy() throws Exception {
        Acceleration a = Acceleration.probe(kvm(), fakeQemu("echo 'KVM internal error. Suberror: 1' >&2; sleep 60")
                .toString());

        assertEquals(Acceleration.Kind.TCG, a.kind());
        assertEquals(Map.of(Acceleration.DRIVER_VARIABLE, "qemu"), a.vagrantEnvironment());
        assertTrue(a.detail().contains("KVM internal error. Suberror: 1"), a.detail());
    }

    @Test
    void noKvmDeviceIsTheSoftwareCpuWithoutProbing() throws Exception {
        Acceleration a = Acceleration.probe(dir.resolve("no-kvm"), fakeQemu("exit 99").toString());

        assertEquals(Acceleration.Kind.TCG, a.kind());
        assertTrue(a.detail().startsWith("no " + dir.resolve("no-kvm")), a.detail());
    }

    @Test
    void noQemuIsTheSoftwareCpuWithTheReason() throws Exception {
        Acceleration a = Acceleration.probe(kvm(), dir.resolve("missing-qemu").toString());

        assertEquals(Acceleration.Kind.TCG, a.kind());
        assertTrue(a.detail().contains("install qemu-system-x86"), a.detail());
    }

    @Test
    void aUserWhoKnowsBetterSaysSoAndNothingIsProbed() throws Exception {
        Path neverRun = fakeQemu("touch " + dir.resolve("ran") + "; exit 1");

        assertEquals(Acceleration.Kind.KVM, Acceleration.decide("kvm", kvm(), neverRun.toString()).kind());
        assertEquals(Acceleration.Kind.TCG, Acceleration.decide("qemu", kvm(), neverRun.toString()).kind());
        assertTrue(Files.notExists(dir.resolve("ran")));
    }

    @Test
    void anOverrideThatIsNeitherIsAUsageError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Acceleration.decide("hvf", kvm(), "qemu"));

        assertEquals("XIDLAB_ACCEL must be kvm or qemu, not 'hvf'", e.getMessage());
    }
}
