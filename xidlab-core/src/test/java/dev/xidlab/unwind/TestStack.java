package dev.xidlab.unwind;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** A captured stack: qwords from {@code base} up, everything else not captured. */
final class TestStack implements VirtualMemory {

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
    public void read(long address, byte[] dst, int offset, int length) throws MemoryAbsentException {
        long o = address - BASE;
        if (o < 0 || o + length > bytes.capacity()) {
            throw new MemoryAbsentException(o < 0 ? address : BASE + Math.max(o, bytes.capacity()),
                    "not on the test stack");
        }
        bytes.get((int) o, dst, offset, length);
    }

    @Override
    public String describe() {
        return "the test stack";
    }
}
