package dev.xidlab.load;

import com.sun.jna.platform.win32.Pdh;
import com.sun.jna.platform.win32.WinDef;
import com.sun.jna.platform.win32.WinNT;

/**
 * \Memory\Pool Paged Resident Bytes through PDH, by its English name so a localized Windows finds it too: the paged
 * pool's resident size, read before and after each pressure cycle. Returns -1 where the counter cannot be read
 * (the load goes on; the JSON then says the effect was not measured).
 */
final class PagedPoolCounter implements AutoCloseable {

    static final String PATH = "\\Memory\\Pool Paged Resident Bytes";

    private final WinNT.HANDLEByReference query = new WinNT.HANDLEByReference();
    private final WinNT.HANDLEByReference counter = new WinNT.HANDLEByReference();
    private final boolean open;

    PagedPoolCounter() {
        boolean ok = Pdh.INSTANCE.PdhOpenQuery(null, null, query) == 0;
        ok = ok && Pdh.INSTANCE.PdhAddEnglishCounter(query.getValue(), PATH, null, counter) == 0;
        open = ok;
    }

    long read() {
        if (!open || Pdh.INSTANCE.PdhCollectQueryData(query.getValue()) != 0) {
            return -1;
        }
        // A raw count (PERF_COUNTER_LARGE_RAWCOUNT): its first raw value is the bytes themselves.
        Pdh.PDH_RAW_COUNTER raw = new Pdh.PDH_RAW_COUNTER();
        int status = Pdh.INSTANCE.PdhGetRawCounterValue(counter.getValue(), new WinDef.DWORDByReference(), raw);
        return status == 0 && raw.CStatus == 0 ? raw.FirstValue : -1;
    }

    @Override
    public void close() {
        if (open) {
            Pdh.INSTANCE.PdhCloseQuery(query.getValue());
        }
    }
}
