package dev.xidlab.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xidlab.protocol.ApplyMode;
import dev.xidlab.protocol.DriverConfig;
import dev.xidlab.protocol.Ioctl;
import dev.xidlab.protocol.NtStatus;
import dev.xidlab.protocol.XidMode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IoctlDeviceTest {

    /** Records what the device sends and answers with canned bytes: a test double for the transport. */
    static final class RecordingTransport implements IoctlTransport {
        final List<Integer> codes = new ArrayList<>();
        final List<byte[]> inputs = new ArrayList<>();
        final List<Integer> capacities = new ArrayList<>();
        byte[] answer = new byte[0];
        int failWith;

        @Override
        public byte[] call(int code, byte[] input, int outputCapacity) {
            codes.add(code);
            inputs.add(input);
            capacities.add(outputCapacity);
            if (failWith != 0) {
                throw DeviceException.failedWith("request", failWith);
            }
            return answer;
        }

        @Override
        public void reloadFilter() {
        }

        @Override
        public String describe() {
            return "recording";
        }

        @Override
        public void close() {
        }
    }

    @Test
    void configIsAskedForWithTheGetConfigCodeAndItsOutputSize() {
        RecordingTransport t = new RecordingTransport();
        t.answer = DriverConfig.fieldDefault().encode();

        DriverConfig config = new IoctlDevice(t).config();

        assertEquals(DriverConfig.fieldDefault(), config);
        assertEquals(List.of(Ioctl.GET_CONFIG.code()), t.codes);
        assertEquals(List.of(40), t.capacities);
        assertEquals(0, t.inputs.get(0).length);
    }

    @Test
    void setConfigSendsTheEncodedRequest() {
        RecordingTransport t = new RecordingTransport();
        t.answer = new byte[] {24, 0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        DriverConfig config = DriverConfig.fieldDefault().withXidMode(XidMode.REQUESTOR);

        var result = new IoctlDevice(t).setConfig(config, ApplyMode.NEXT_LOAD);

        assertTrue(result.saved() && result.reloadRequired());
        assertEquals(Ioctl.SET_CONFIG.code(), t.codes.get(0));
        assertEquals(56, t.inputs.get(0).length);
    }

    @Test
    void aDriverFailureCarriesItsStatusAndWin32Error() {
        RecordingTransport t = new RecordingTransport();
        t.failWith = NtStatus.INVALID_PARAMETER;

        DeviceException e = assertThrows(DeviceException.class, () -> new IoctlDevice(t).stats());

        assertEquals(NtStatus.INVALID_PARAMETER, e.ntStatus());
        assertEquals(NtStatus.ERROR_INVALID_PARAMETER, e.win32Error());
        assertTrue(e.getMessage().contains("STATUS_INVALID_PARAMETER"), e.getMessage());
    }

    @Test
    void anAnswerThatDoesNotDecodeNamesTheIoctlAndTheStruct() {
        RecordingTransport t = new RecordingTransport();
        t.answer = new byte[10];

        DeviceException e = assertThrows(DeviceException.class, () -> new IoctlDevice(t).info());

        assertEquals("IOCTL_XF_GET_INFO: XF_INFO: short buffer of 10 bytes, expected 56", e.getMessage());
    }
}
