package dev.xidlab.device;

import dev.xidlab.protocol.ApplyMode;
import dev.xidlab.protocol.DriverConfig;
import dev.xidlab.protocol.DriverInfo;
import dev.xidlab.protocol.DriverStats;
import dev.xidlab.protocol.SetConfigResult;
import dev.xidlab.protocol.XidAnswer;
import dev.xidlab.protocol.XidMode;

/**
 * A loaded xidfilter driver as its controller sees it: on Windows through {@code \\.\XidFilter}, in the kernel
 * model through the model's DeviceIoControl entry. The same request and response bytes cross either way.
 * Every method throws {@link DeviceException} when the device answers with a failure or cannot be reached.
 */
public interface Device extends AutoCloseable {

    DriverInfo info();

    DriverConfig config();

    SetConfigResult setConfig(DriverConfig config, ApplyMode apply);

    DriverStats stats();

    void resetStats();

    /** The Xid of a process (0 = the caller) with a mode (null = the configured one). */
    XidAnswer queryXid(long processId, XidMode mode);

    /**
     * Unloads and loads the filter through the filter manager, so saved registration flags take effect
     * (they are fixed at FltRegisterFilter time). The device is usable again when this returns.
     */
    void reload();

    /** What this device is, for reports: "sim", "windows \\.\XidFilter". */
    String describe();

    @Override
    void close();
}
