package dev.xidlab.protocol;

/** How the pre-operation callback computes the per-process id. */
public enum XidMode implements WireConstant.Numbered {
    /** No Xid: the baseline overhead. */
    OFF,
    /** PsLookupProcessByProcessId on every callback: the field code that re-enters under memory pressure. */
    LOOKUP,
    /** The process from the callback data, no CID table walk. */
    REQUESTOR,
    /** A non-paged table filled by the process-notify routine. */
    CACHED;

    @Override
    public String macroPrefix() {
        return "XF_XID_MODE_";
    }
}
