package dev.xidlab.symbols;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/** A GUID as a PDB and an RSDS record store it: Data1-3 little-endian, Data4 as bytes. */
public record Guid(long data1, int data2, int data3, byte[] data4) {

    public Guid {
        data4 = data4.clone();
        if (data4.length != 8) {
            throw new IllegalArgumentException("Data4 has 8 bytes, not " + data4.length);
        }
    }

    public static Guid of(byte[] sixteen) {
        ByteBuffer b = ByteBuffer.wrap(sixteen).order(ByteOrder.LITTLE_ENDIAN);
        return new Guid(Integer.toUnsignedLong(b.getInt(0)), b.getShort(4) & 0xFFFF, b.getShort(6) & 0xFFFF,
                Arrays.copyOfRange(sixteen, 8, 16));
    }

    @Override
    public byte[] data4() {
        return data4.clone();
    }

    /** 32 hex digits, upper case, as a symbol server's key spells it. */
    public String hex() {
        StringBuilder s = new StringBuilder(String.format("%08X%04X%04X", data1, data2, data3));
        for (byte b : data4) {
            s.append(String.format("%02X", b & 0xFF));
        }
        return s.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Guid g && g.data1 == data1 && g.data2 == data2 && g.data3 == data3
                && Arrays.equals(g.data4, data4);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(data1) * 31 + Arrays.hashCode(data4);
    }

    @Override
    public String toString() {
        return hex();
    }
}
