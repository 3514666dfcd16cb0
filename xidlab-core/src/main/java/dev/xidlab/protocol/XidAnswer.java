package dev.xidlab.protocol;

/** XF_QUERY_XID_RESPONSE. A failed computation is reported in {@code status}, not as an IOCTL failure. */
public record XidAnswer(long processId, long xid, long createTime, XidMode mode, int status) {

    public boolean computed() {
        return status >= 0;
    }

    public static XidAnswer decode(byte[] bytes) {
        WireReader r = new WireReader(Wire.QUERY_XID_RESPONSE, bytes);
        return new XidAnswer(r.u64("ProcessId"), r.u64("Xid"), r.u64("CreateTime"),
                FlagBits.fromValue(XidMode.class, r.u32("Mode"), r.where("Mode")), r.u32("Status"));
    }
}
