package dev.xidlab.device;

import dev.xidlab.protocol.ApplyMode;
import dev.xidlab.protocol.DriverConfig;
import dev.xidlab.protocol.DriverInfo;
import dev.xidlab.protocol.DriverStats;
import dev.xidlab.protocol.Ioctl;
import dev.xidlab.protocol.SetConfigRequest;
import dev.xidlab.protocol.SetConfigResult;
import dev.xidlab.protocol.WireFormatException;
import dev.xidlab.protocol.XidAnswer;
import dev.xidlab.protocol.XidMode;
import dev.xidlab.protocol.XidQuery;
import java.util.function.Function;

/** The {@link Device} over any transport: encodes with the wire codec, sends, decodes. */
public final class IoctlDevice implements Device {

    private static final byte[] NO_INPUT = new byte[0];

    private final IoctlTransport transport;

    public IoctlDevice(IoctlTransport transport) {
        this.transport = transport;
    }

    @Override
    public DriverInfo info() {
        return send(Ioctl.GET_INFO, NO_INPUT, DriverInfo::decode);
    }

    @Override
    public DriverConfig config() {
        return send(Ioctl.GET_CONFIG, NO_INPUT, DriverConfig::decode);
    }

    @Override
    public SetConfigResult setConfig(DriverConfig config, ApplyMode apply) {
        return send(Ioctl.SET_CONFIG, new SetConfigRequest(apply, config).encode(), SetConfigResult::decode);
    }

    @Override
    public DriverStats stats() {
        return send(Ioctl.GET_STATS, NO_INPUT, DriverStats::decode);
    }

    @Override
    public void resetStats() {
        transport.call(Ioctl.RESET_STATS.code(), NO_INPUT, 0);
    }

    @Override
    public XidAnswer queryXid(long processId, XidMode mode) {
        return send(Ioctl.QUERY_XID, new XidQuery(processId, mode).encode(), XidAnswer::decode);
    }

    @Override
    public void reload() {
        transport.reloadFilter();
    }

    @Override
    public String describe() {
        return transport.describe();
    }

    @Override
    public void close() {
        transport.close();
    }

    private <T> T send(Ioctl ioctl, byte[] input, Function<byte[], T> decoder) {
        byte[] output = transport.call(ioctl.code(), input, ioctl.outputSize());
        try {
            return decoder.apply(output);
        } catch (WireFormatException e) {
            throw new DeviceException(ioctl.cMacro() + ": " + e.getMessage());
        }
    }
}
