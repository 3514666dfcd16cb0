package dev.xidlab.protocol;

/**
 * XF_QUERY_XID_REQUEST: the Xid of a process computed with a chosen mode, so modes can be compared.
 * ProcessId 0 asks for the caller; a null mode asks for the configured one.
 */
public record XidQuery(long processId, XidMode mode) {

    public byte[] encode() {
        return new WireWriter(Wire.QUERY_XID_REQUEST)
                .u64("ProcessId", processId)
                .u32("Mode", mode == null ? Wire.XID_MODE_CURRENT : mode.wireValue())
                .bytes();
    }
}
