package dev.xidlab.protocol;

/** XF_SET_CONFIG_REQUEST. */
public record SetConfigRequest(ApplyMode apply, DriverConfig config) {

    public byte[] encode() {
        return new WireWriter(Wire.SET_CONFIG_REQUEST)
                .u32("Apply", apply.wireValue())
                .nested("Config", config.encode())
                .bytes();
    }
}
