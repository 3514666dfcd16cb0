package dev.xidlab.symbols;

import java.util.function.LongUnaryOperator;

/**
 * The one search every address table here needs: in entries sorted by a start address (compared unsigned, as
 * kernel addresses are), the last entry starting at or below an address. Modules, captured memory ranges,
 * .pdata entries and PDB functions are all found this way, then checked for their end.
 */
public final class AddressSearch {

    private AddressSearch() {
    }

    /** The index of the last of {@code count} entries whose start is at or below {@code address}; -1 if none. */
    public static long floor(long count, LongUnaryOperator startOf, long address) {
        long lo = 0;
        long hi = count - 1;
        long found = -1;
        while (lo <= hi) {
            long mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(startOf.applyAsLong(mid), address) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }
}
