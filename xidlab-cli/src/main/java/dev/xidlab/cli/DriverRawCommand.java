package dev.xidlab.cli;

import dev.xidlab.command.CommandError;
import dev.xidlab.command.ExitCode;
import dev.xidlab.command.JsonOutput;
import dev.xidlab.device.DeviceException;
import dev.xidlab.device.Devices;
import dev.xidlab.device.IoctlTransport;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code xidlab driver raw}: one request's bytes in, the driver's bytes out, as JSON. A lab that drives a guest
 * runs this inside it, so the host's codec builds and reads the bytes and the guest only carries them.
 */
@Command(name = "raw", mixinStandardHelpOptions = true,
        description = "Send one IOCTL's bytes and print the answer as JSON {win32Error, ntStatus, output}: for labs"
                + " that drive a driver in another machine. A failure of the driver is in the JSON, exit 0.",
        footer = ExitCode.FOOTER)
public final class DriverRawCommand implements Callable<Integer> {

    @Option(names = "--device", paramLabel = "sim|windows", defaultValue = Devices.SIM, description = "The device.")
    String device;

    @Option(names = "--code", required = true, paramLabel = "HEX", description = "The IOCTL code, e.g. 8A1D6000.")
    String code;

    @Option(names = "--in", paramLabel = "HEX", defaultValue = "", description = "The input bytes in hex.")
    String input;

    @Option(names = "--out", paramLabel = "N", defaultValue = "0", description = "The output capacity in bytes.")
    int outputCapacity;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The answer, for the host's GuestTransport. */
    public record Answer(int win32Error, int ntStatus, String output) {
    }

    @Override
    public Integer call() {
        int ioctl;
        byte[] bytes;
        try {
            ioctl = Integer.parseUnsignedInt(code.replaceFirst("^0[xX]", ""), 16);
            bytes = HexFormat.of().parseHex(input);
        } catch (IllegalArgumentException e) {
            throw new CommandError.Usage("--code and --in take hexadecimal: " + e.getMessage());
        }
        if (outputCapacity < 0 || outputCapacity > 65536) {
            throw new CommandError.Usage("--out must be 0..65536, not " + outputCapacity);
        }
        Answer answer;
        try (IoctlTransport transport = Devices.openTransport(device)) {
            try {
                answer = new Answer(0, 0, HexFormat.of().formatHex(transport.call(ioctl, bytes, outputCapacity)));
            } catch (DeviceException e) {
                answer = new Answer(e.win32Error(), e.ntStatus(), "");
            }
        }
        JsonOutput.print(spec.commandLine().getOut(), answer);
        return ExitCode.OK;
    }
}
