package dev.xidlab.dump;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Set;

/**
 * Takes physical pages out of a bitmap kernel dump the way a dump without them would have been written: their
 * bits cleared, their bytes gone from the page data, TotalPresentPages lowered. Test code.
 */
final class BitmapDumpSurgery {

    private BitmapDumpSurgery() {
    }

    static byte[] withoutPages(byte[] dump, Set<Long> pfns) {
        ByteBuffer in = ByteBuffer.wrap(dump).order(ByteOrder.LITTLE_ENDIAN);
        long firstPage = in.getLong(0x2020);
        long bits = in.getLong(0x2030);
        ByteBuffer out = ByteBuffer.allocate(dump.length - 0x1000 * pfns.size()).order(ByteOrder.LITTLE_ENDIAN);
        out.put(0, dump, 0, (int) firstPage);
        long kept = 0;
        long index = 0;
        for (long pfn = 0; pfn < bits; pfn++) {
            int at = (int) (0x2038 + pfn / 8);
            if ((dump[at] & (1 << (pfn % 8))) == 0) {
                continue;
            }
            if (pfns.contains(pfn)) {
                out.put(at, (byte) (out.get(at) & ~(1 << (pfn % 8))));
            } else {
                out.put((int) (firstPage + kept * 0x1000), dump, (int) (firstPage + index * 0x1000), 0x1000);
                kept++;
            }
            index++;
        }
        out.putLong(0x2028, kept);
        return out.array();
    }
}
