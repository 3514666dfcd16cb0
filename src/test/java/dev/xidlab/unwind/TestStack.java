package dev.xidlab.unwind;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** A captured stack: qwords from {@code base} up, everything else not captured. */
final class TestStack implements Memory {

    static final long BASE = 0xffff850429890000L;
    /** Beyond any stack a test builds. */
    static final long END = BASE + 0x100000;

    private final ByteBuffer bytes;

    TestStack(int qwords) {
        bytes = ByteBuffer.allocate(8 * qwords).order(ByteOrder.LITTLE_ENDIAN);
    }

    TestStack put(long address, long value) {
        bytes.putLong((int) (address - BASE), value);
        return this;
    }

    @Override
    public boolean read(long address, byte[] dst, int offset, int length) {
        long o = address - BASE;
        if (o < 0 || o + length > bytes.capacity()) {
            return false;
        }
        bytes.get((int) o, dst, offset, length);
        return true;
    }
}
