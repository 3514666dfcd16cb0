package dev.xidlab.protocol;

/**
 * The IOCTLs of the control device: CTL_CODE(0x8A1D, function, METHOD_BUFFERED, access). Read-only requests
 * need FILE_READ_DATA, changing ones FILE_WRITE_DATA.
 */
public enum Ioctl implements WireConstant {
    GET_INFO(0x800, Access.READ, null, Wire.INFO),
    GET_CONFIG(0x801, Access.READ, null, Wire.CONFIG),
    SET_CONFIG(0x802, Access.WRITE, Wire.SET_CONFIG_REQUEST, Wire.SET_CONFIG_RESPONSE),
    GET_STATS(0x803, Access.READ, null, Wire.STATS),
    RESET_STATS(0x804, Access.WRITE, null, null),
    QUERY_XID(0x805, Access.READ, Wire.QUERY_XID_REQUEST, Wire.QUERY_XID_RESPONSE);

    /** The access bits of CTL_CODE. */
    public enum Access {
        READ(0x1), WRITE(0x2);

        private final int bits;

        Access(int bits) {
            this.bits = bits;
        }
    }

    private static final int METHOD_BUFFERED = 0;

    private final int function;
    private final Access access;
    private final StructLayout request;
    private final StructLayout response;

    Ioctl(int function, Access access, StructLayout request, StructLayout response) {
        this.function = function;
        this.access = access;
        this.request = request;
        this.response = response;
    }

    public int code() {
        return (Wire.DEVICE_TYPE << 16) | (access.bits << 14) | (function << 2) | METHOD_BUFFERED;
    }

    public int function() {
        return function;
    }

    public Access access() {
        return access;
    }

    /** Input bytes the driver takes: 0 for requests without input. */
    public int inputSize() {
        return request == null ? 0 : request.size();
    }

    /** Output bytes the driver writes: 0 for requests without output. */
    public int outputSize() {
        return response == null ? 0 : response.size();
    }

    @Override
    public int wireValue() {
        return code();
    }

    @Override
    public String cMacro() {
        return "IOCTL_XF_" + name();
    }
}
