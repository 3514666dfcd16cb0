package dev.xidlab.protocol;

/** How the pre-operation callback computes the per-process id. */
public enum XidMode implements WireConstant {
    /** No Xid: the baseline overhead. */
    OFF(0),
    /** PsLookupProcessByProcessId on every callback: the field code that re-enters under memory pressure. */
    LOOKUP(1),
    /** The process from the callback data, no CID table walk. */
    REQUESTOR(2),
    /** A non-paged table filled by the process-notify routine. */
    CACHED(3);

    private final int value;

    XidMode(int value) {
        this.value = value;
    }

    @Override
    public int wireValue() {
        return value;
    }

    @Override
    public String cMacro() {
        return "XF_XID_MODE_" + name();
    }

    /** The name users type and reports show. */
    public String label() {
        return Labels.label(this);
    }
}
