package dev.xidlab.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xidlab.protocol.ApplyMode;
import dev.xidlab.protocol.BuildFlavor;
import dev.xidlab.protocol.DriverConfig;
import dev.xidlab.protocol.DriverInfo;
import dev.xidlab.protocol.DriverState;
import dev.xidlab.protocol.DriverStats;
import dev.xidlab.protocol.GuardFlag;
import dev.xidlab.protocol.Ioctl;
import dev.xidlab.protocol.NtStatus;
import dev.xidlab.protocol.Operation;
import dev.xidlab.protocol.RegistrationFlag;
import dev.xidlab.protocol.SetConfigRequest;
import dev.xidlab.protocol.SetConfigResult;
import dev.xidlab.protocol.Wire;
import dev.xidlab.protocol.XidAnswer;
import dev.xidlab.protocol.XidMode;
import dev.xidlab.protocol.XidQuery;
import dev.xidlab.testing.ExternalCommand;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real xidfilter.sys under Wine, driven by the Java codec: requests are encoded here, sent by a mingw-built
 * client through DeviceIoControl, answered by the driver's own code, and decoded here. One Wine session for the
 * class: load, requests, reload, requests, a stop while a handle is held open and requests on that handle, a third
 * load, unload. scripts/wine-smoke.sh prints what this does not prove (among it: fltmc unload's refusal while a
 * handle is open, which Wine's filter manager cannot ask for; the kernel model's tests cover it).
 */
class WineSmokeTest {

    static final DriverConfig FIX = DriverConfig.fieldDefault().withXidMode(XidMode.CACHED)
            .withGuard(Set.of(GuardFlag.NESTING), 0)
            .withRegistration(Operation.READ, Set.of(RegistrationFlag.SKIP_PAGING_IO));

    /** One request and what came back. */
    record Exchange(String name, int code, byte[] input, int capacity, int win32Error, byte[] output) {
    }

    static final List<Exchange> FIRST_LOAD = new ArrayList<>();
    static final List<Exchange> SECOND_LOAD = new ArrayList<>();
    static final List<Exchange> HELD_OVER_STOP = new ArrayList<>();
    static final List<Exchange> THIRD_LOAD = new ArrayList<>();
    static Path out;

    @TempDir
    static Path dir;

    static void request(List<Exchange> to, String name, Ioctl ioctl, byte[] input, int capacity) {
        to.add(new Exchange(name, ioctl.code(), input, capacity, -1, null));
    }

    static void raw(List<Exchange> to, String name, int code, byte[] input, int capacity) {
        to.add(new Exchange(name, code, input, capacity, -1, null));
    }

    static byte[] setConfig(DriverConfig config, ApplyMode apply) {
        return new SetConfigRequest(apply, config).encode();
    }

    static byte[] patched(byte[] request, int offset, int value) {
        byte[] copy = request.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, value);
        return copy;
    }

    @BeforeAll
    static void runTheDriverUnderWine() throws Exception {
        assumeTrue(BuiltDriver.built(), BuiltDriver.NOT_BUILT);
        assumeTrue(ExternalCommand.onPath("wine"), "wine is not installed: the driver binary was not run (apt-get install wine64)");
        byte[] none = new byte[0];
        byte[] good = setConfig(FIX, ApplyMode.NEXT_LOAD);
        int config = 16;    // XF_SET_CONFIG_REQUEST.Config

        request(FIRST_LOAD, "info", Ioctl.GET_INFO, none, Wire.INFO.size());
        request(FIRST_LOAD, "config", Ioctl.GET_CONFIG, none, Wire.CONFIG.size());
        request(FIRST_LOAD, "set", Ioctl.SET_CONFIG, good, 24);
        request(FIRST_LOAD, "config after set", Ioctl.GET_CONFIG, none, 40);
        request(FIRST_LOAD, "info after set", Ioctl.GET_INFO, none, 56);
        request(FIRST_LOAD, "stats", Ioctl.GET_STATS, none, Wire.STATS.size());
        request(FIRST_LOAD, "reset", Ioctl.RESET_STATS, none, 0);
        request(FIRST_LOAD, "xid off", Ioctl.QUERY_XID, new XidQuery(0, XidMode.OFF).encode(), 40);
        request(FIRST_LOAD, "xid cached", Ioctl.QUERY_XID, new XidQuery(1234, XidMode.CACHED).encode(), 40);
        request(FIRST_LOAD, "xid requestor", Ioctl.QUERY_XID, new XidQuery(4, XidMode.REQUESTOR).encode(), 40);
        request(FIRST_LOAD, "short output", Ioctl.GET_STATS, none, Wire.STATS.size() - 1);
        request(FIRST_LOAD, "short input", Ioctl.SET_CONFIG, Arrays.copyOf(good, 55), 24);
        request(FIRST_LOAD, "oversized input", Ioctl.SET_CONFIG, Arrays.copyOf(good, 64), 24);
        request(FIRST_LOAD, "wrong size", Ioctl.SET_CONFIG, patched(good, 0, 60), 24);
        request(FIRST_LOAD, "wrong version", Ioctl.SET_CONFIG, patched(good, 4, 2), 24);
        request(FIRST_LOAD, "unknown mode", Ioctl.SET_CONFIG,
                patched(good, config + Wire.CONFIG.offset("XidMode"), 7), 24);
        request(FIRST_LOAD, "unknown flag", Ioctl.SET_CONFIG,
                patched(good, config + Wire.CONFIG.offset("OperationFlags"), 0x10), 24);
        raw(FIRST_LOAD, "unknown ioctl", (Wire.DEVICE_TYPE << 16) | (1 << 14) | (0x8FF << 2), none, 16);
        request(FIRST_LOAD, "input where none is taken", Ioctl.GET_INFO, new byte[4], 56);
        request(FIRST_LOAD, "config after bad input", Ioctl.GET_CONFIG, none, 40);

        request(SECOND_LOAD, "info", Ioctl.GET_INFO, none, 56);
        request(SECOND_LOAD, "config", Ioctl.GET_CONFIG, none, 40);
        request(SECOND_LOAD, "live reregister", Ioctl.SET_CONFIG,
                setConfig(FIX.withRegistrationForAll(Set.of(RegistrationFlag.SKIP_PAGING_IO)),
                        ApplyMode.LIVE_REREGISTER), 24);
        request(SECOND_LOAD, "stats", Ioctl.GET_STATS, none, Wire.STATS.size());

        request(HELD_OVER_STOP, "info", Ioctl.GET_INFO, none, Wire.INFO.size());
        request(HELD_OVER_STOP, "stats", Ioctl.GET_STATS, none, Wire.STATS.size());
        request(HELD_OVER_STOP, "set", Ioctl.SET_CONFIG, good, Wire.SET_CONFIG_RESPONSE.size());

        request(THIRD_LOAD, "info", Ioctl.GET_INFO, none, Wire.INFO.size());

        Path r1 = dir.resolve("requests1.bin");
        Path r2 = dir.resolve("requests2.bin");
        Path held = dir.resolve("held.bin");
        Path after = dir.resolve("after.bin");
        Files.write(r1, frames(FIRST_LOAD));
        Files.write(r2, frames(SECOND_LOAD));
        Files.write(held, frames(HELD_OVER_STOP));
        Files.write(after, frames(THIRD_LOAD));
        out = dir.resolve("out");
        Process p = new ProcessBuilder("bash", Path.of(System.getProperty("xidlab.projectDir", "."))
                .resolve("scripts/wine-smoke.sh").toString(), BuiltDriver.DIR.toString(), r1.toString(),
                r2.toString(), held.toString(), after.toString(), out.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(400, TimeUnit.SECONDS), "wine finished");
        System.out.println(log);
        answers(out.resolve("responses1.bin"), FIRST_LOAD);
        answers(out.resolve("responses2.bin"), SECOND_LOAD);
        answers(out.resolve("held.bin"), HELD_OVER_STOP);
        answers(out.resolve("after.bin"), THIRD_LOAD);
    }

    static byte[] frames(List<Exchange> exchanges) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (Exchange e : exchanges) {
            ByteBuffer h = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN)
                    .putInt(e.code()).putInt(e.input().length).putInt(e.capacity());
            bytes.writeBytes(h.array());
            bytes.writeBytes(e.input());
        }
        return bytes.toByteArray();
    }

    static void answers(Path file, List<Exchange> exchanges) throws Exception {
        assertTrue(Files.exists(file), "the client answered: " + file);
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < exchanges.size(); i++) {
            Exchange e = exchanges.get(i);
            int code = b.getInt();
            int error = b.getInt();
            byte[] output = new byte[b.getInt()];
            b.get(output);
            assertEquals(e.code(), code, "answers in order");
            exchanges.set(i, new Exchange(e.name(), e.code(), e.input(), e.capacity(), error, output));
        }
    }

    static Exchange first(String name) {
        return FIRST_LOAD.stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
    }

    static Exchange second(String name) {
        return SECOND_LOAD.stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void theDriverLoadsAndDescribesItself() {
        DriverInfo info = DriverInfo.decode(first("info").output());

        assertEquals(BuildFlavor.MINGW, info.buildFlavor());
        assertEquals("0.2.0", info.driverVersionText());
        assertTrue(info.state().containsAll(Set.of(DriverState.FILTER_REGISTERED, DriverState.FILTERING_STARTED)));
        assertEquals(1, info.loadCount());
    }

    @Test
    void aFreshInstallRunsTheFieldConfiguration() {
        assertEquals(DriverConfig.fieldDefault(), DriverConfig.decode(first("config").output()));
    }

    @Test
    void setConfigSavesAndAppliesModeAtOnceAndFlagsAtTheNextLoad() {
        SetConfigResult result = SetConfigResult.decode(first("set").output());

        assertTrue(result.saved() && result.reloadRequired());
        assertEquals(FIX, DriverConfig.decode(first("config after set").output()));
        assertTrue(DriverInfo.decode(first("info after set").output()).reloadPending());
    }

    @Test
    void statsAndResetAnswer() {
        DriverStats stats = DriverStats.decode(first("stats").output());

        assertEquals(0, stats.callbacks(), "Wine's filter manager never calls the callbacks");
        assertEquals(0, first("reset").win32Error());
    }

    @Test
    void theXidQueryAnswersWhatWineCanServe() {
        assertEquals(NtStatus.NOT_SUPPORTED, XidAnswer.decode(first("xid off").output()).status());
        assertEquals(NtStatus.NOT_FOUND, XidAnswer.decode(first("xid cached").output()).status());
        assertEquals(NtStatus.INVALID_CID, XidAnswer.decode(first("xid requestor").output()).status());
    }

    @Test
    void aShortOutputBufferIsInsufficientBuffer() {
        assertEquals(NtStatus.ERROR_INSUFFICIENT_BUFFER, first("short output").win32Error());
    }

    @Test
    void aShortInputIsInsufficientBuffer() {
        assertEquals(NtStatus.ERROR_INSUFFICIENT_BUFFER, first("short input").win32Error());
    }

    @Test
    void badSizesVersionsModesAndFlagsAreInvalidParameter() {
        for (String name : List.of("oversized input", "wrong size", "wrong version", "unknown mode", "unknown flag",
                "input where none is taken")) {
            assertEquals(NtStatus.ERROR_INVALID_PARAMETER, first(name).win32Error(), name);
        }
    }

    @Test
    void anUnknownIoctlIsInvalidFunction() {
        assertEquals(NtStatus.ERROR_INVALID_FUNCTION, first("unknown ioctl").win32Error());
    }

    @Test
    void badInputLeavesTheConfigurationAsItWas() {
        assertEquals(FIX, DriverConfig.decode(first("config after bad input").output()));
    }

    @Test
    void theNextLoadRegistersWithTheSavedFlags() {
        DriverInfo info = DriverInfo.decode(second("info").output());

        assertEquals(2, info.loadCount());
        assertEquals(Set.of(RegistrationFlag.SKIP_PAGING_IO), info.activeRegistration().get(Operation.READ));
        assertFalse(info.reloadPending());
        assertTrue(info.state().contains(DriverState.CONFIG_FROM_REGISTRY));
        assertEquals(FIX, DriverConfig.decode(second("config").output()));
    }

    @Test
    void theExperimentalLiveReregistrationReportsItsStatus() {
        SetConfigResult result = SetConfigResult.decode(second("live reregister").output());

        assertEquals(NtStatus.SUCCESS, result.reregisterStatus());
        assertTrue(result.reregistered());
        assertEquals(1, DriverStats.decode(second("stats").output()).reregistrations());
    }

    @Test
    void aStopWithAHandleStillOpenUnloadsWithoutWaitingForTheHandle() throws Exception {
        assertTrue(Files.readString(out.resolve("stop2.txt")).contains("STOPPED"),
                Files.readString(out.resolve("stop2.txt")));
    }

    @Test
    void theHandleThatOutlivedTheUnloadGetsFailuresNotAnswers() {
        for (Exchange e : HELD_OVER_STOP) {
            assertEquals(NtStatus.ERROR_ACCESS_DENIED, e.win32Error(), e.name());
            assertEquals(0, e.output().length, e.name());
        }
    }

    @Test
    void theDriverLoadsAgainOnceTheHeldHandleIsClosed() {
        DriverInfo info = DriverInfo.decode(THIRD_LOAD.get(0).output());

        assertEquals(3, info.loadCount());
        assertTrue(info.state().contains(DriverState.FILTER_REGISTERED));
    }

    @Test
    void theDriverUnloads() throws Exception {
        String query = Files.readString(out.resolve("query.txt"));

        assertTrue(query.contains("STOPPED"), query);
        assertTrue(Files.readString(out.resolve("stop3.txt")).contains("STOPPED"));
    }
}
