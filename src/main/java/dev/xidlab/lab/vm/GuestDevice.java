package dev.xidlab.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xidlab.device.DeviceException;
import dev.xidlab.device.IoctlTransport;
import dev.xidlab.protocol.NtStatus;
import dev.xidlab.protocol.Wire;
import java.io.IOException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * xidfilter in a VM guest: each request's bytes go to {@code xidlab driver raw --device windows} in the guest,
 * which passes them to DeviceIoControl unchanged and prints the answer's bytes. The host's codec encodes and
 * decodes, so the wire contract is checked by the same code on either side. A reload is fltmc unload/load.
 */
public final class GuestTransport implements IoctlTransport {

    static final Duration CALL_TIMEOUT = Duration.ofMinutes(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final VagrantGuest guest;
    private final String guestJar;

    public GuestTransport(VagrantGuest guest, String guestJar) {
        this.guest = guest;
        this.guestJar = guestJar;
    }

    @Override
    public byte[] call(int code, byte[] input, int outputCapacity) {
        String script = String.format("java -jar %s driver raw --device windows --code %08X --in %s --out %d",
                VagrantGuest.quote(guestJar), code, input.length == 0 ? "''" : HexFormat.of().formatHex(input),
                outputCapacity);
        CommandResult result = guest.powershell(script, CALL_TIMEOUT);
        if (!result.succeeded()) {
            throw new DeviceException(String.format("IOCTL 0x%08X in the guest: %s", code, result.lastErrorLine()));
        }
        JsonNode answer;
        try {
            answer = JSON.readTree(result.stdout());
        } catch (IOException e) {
            throw new DeviceException(String.format("IOCTL 0x%08X in the guest: not an answer: %s", code,
                    result.stdout().strip()));
        }
        if (answer == null || !answer.has("win32Error") || !answer.has("ntStatus") || !answer.has("output")) {
            throw new DeviceException(String.format("IOCTL 0x%08X in the guest: not an answer: %s", code,
                    result.stdout().strip()));
        }
        int win32Error = answer.get("win32Error").asInt();
        int ntStatus = answer.get("ntStatus").asInt();
        if (win32Error != 0 || ntStatus != 0) {
            String why = ntStatus != 0 ? NtStatus.describe(ntStatus) : "Win32 error " + win32Error;
            throw new DeviceException(String.format("IOCTL 0x%08X failed in the guest: %s", code, why), ntStatus,
                    win32Error);
        }
        try {
            return HexFormat.of().parseHex(answer.get("output").asText());
        } catch (IllegalArgumentException e) {
            throw new DeviceException(String.format("IOCTL 0x%08X in the guest: output is not hex", code));
        }
    }

    @Override
    public void reloadFilter() {
        CommandResult result = guest.powershell(String.format("fltmc unload %1$s; if ($LASTEXITCODE -ne 0) { exit 1 };"
                + " fltmc load %1$s; exit $LASTEXITCODE", Wire.FILTER_NAME), CALL_TIMEOUT);
        if (!result.succeeded()) {
            throw new DeviceException("fltmc unload/load " + Wire.FILTER_NAME + " in the guest failed: " + result.lastErrorLine());
        }
    }

    @Override
    public String describe() {
        return "windows \\\\.\\XidFilter in the Vagrant guest";
    }

    @Override
    public void close() {
    }
}
