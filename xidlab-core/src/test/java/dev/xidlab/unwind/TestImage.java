package dev.xidlab.unwind;

import dev.xidlab.symbols.ImageBytes;
import dev.xidlab.symbols.PeImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;

/**
 * A hand-made x64 image for unwinder tests: code anywhere below 0x2000, the .pdata at 0x2000 (entries added in
 * address order, as a linker sorts them), UNWIND_INFO from 0x3000.
 */
final class TestImage implements ImageBytes {

    static final long BASE = 0xfffff80400000000L;
    static final int PDATA = 0x2000;

    private final ByteBuffer bytes = ByteBuffer.allocate(0x4000).order(ByteOrder.LITTLE_ENDIAN);
    private final java.util.Set<Integer> missingPages = new java.util.HashSet<>();
    private int functions;
    private int xdata = 0x3000;

    /** An UNWIND_INFO: version 1, the given flags, prolog size, frame register/offset and code slots. */
    static int[] info(int flags, int prolog, int frameRegister, int frameOffset, int... slots) {
        int[] header = {1 | flags << 3, prolog, slots.length, frameRegister | frameOffset << 4};
        int[] all = new int[4 + slots.length];
        System.arraycopy(header, 0, all, 0, 4);
        System.arraycopy(slots, 0, all, 4, slots.length);
        return all;
    }

    /** One unwind code slot: the prolog offset after the instruction, the operation and its info. */
    static int slot(int offset, int op, int info) {
        return offset | op << 8 | info << 12;
    }

    /** A function [begin, end) with its unwind information; returns the UNWIND_INFO's RVA. */
    int function(int begin, int end, int[] info) {
        return function(begin, end, info, null);
    }

    /** The same, with chained unwind information pointing at the entry {@code parent}. */
    int function(int begin, int end, int[] info, RuntimeFunction parent) {
        int at = xdata;
        bytes.put(at, (byte) info[0]).put(at + 1, (byte) info[1]).put(at + 2, (byte) info[2]).put(at + 3,
                (byte) info[3]);
        int count = info[2];
        for (int i = 0; i < count; i++) {
            bytes.putShort(at + 4 + 2 * i, (short) info[4 + i]);
        }
        int end4 = at + 4 + 2 * (count + (count & 1));
        if (parent != null) {
            bytes.putInt(end4, (int) parent.begin()).putInt(end4 + 4, (int) parent.end())
                    .putInt(end4 + 8, (int) parent.unwindInfo());
            end4 += 12;
        }
        xdata = (end4 + 7) & ~3;
        entry(begin, end, at);
        return at;
    }

    void entry(int begin, int end, int unwind) {
        int e = PDATA + 12 * functions++;
        bytes.putInt(e, begin).putInt(e + 4, end).putInt(e + 8, unwind);
    }

    /** An arm64 .pdata entry: BeginAddress and packed unwind data (or an .xdata RVA when its low bits are 0). */
    void arm64Entry(int begin, int unwindData) {
        int e = PDATA + 8 * functions++;
        bytes.putInt(e, begin).putInt(e + 4, unwindData);
    }

    /** Raw bytes, e.g. an arm64 .xdata record; returns their RVA. */
    int xdata(int... words) {
        int at = xdata;
        for (int w : words) {
            bytes.putInt(xdata, w);
            xdata += 4;
        }
        return at;
    }

    CodeModule arm64Module(String name) {
        PeImage headers = new PeImage(PeImage.MACHINE_ARM64, 0, 0x4000, BASE, PDATA, 8L * functions, 0, 0,
                Optional.empty(), List.of(new PeImage.Section(".text", 0x1000, 0x1000, true)), List.of());
        CodeModule.Image image = new CodeModule.Image(this, headers);
        return new CodeModule(name, BASE, 0x4000, () -> Optional.of(image));
    }

    TestImage code(int rva, int... code) {
        for (int i = 0; i < code.length; i++) {
            bytes.put(rva + i, (byte) code[i]);
        }
        return this;
    }

    /** The page holding {@code rva} is not available, as a page a dump did not keep. */
    TestImage withoutPage(int rva) {
        missingPages.add(rva >>> 12);
        return this;
    }

    TestImage putInt(int rva, int value) {
        bytes.putInt(rva, value);
        return this;
    }

    PeImage headers() {
        return new PeImage(PeImage.MACHINE_AMD64, 0, 0x4000, BASE, PDATA, 12L * functions, 0, 0, Optional.empty(),
                List.of(new PeImage.Section(".text", 0x1000, 0x1000, true),
                        new PeImage.Section(".pdata", PDATA, 0x1000, false),
                        new PeImage.Section(".xdata", 0x3000, 0x1000, false)), List.of());
    }

    X64FunctionTable table() {
        return new X64FunctionTable(this, headers());
    }

    CodeModule module(String name) {
        CodeModule.Image image = new CodeModule.Image(this, headers());
        return new CodeModule(name, BASE, 0x4000, () -> Optional.of(image));
    }

    @Override
    public long size() {
        return 0x4000;
    }

    @Override
    public boolean read(long rva, byte[] dst, int offset, int length) {
        if (rva < 0 || rva + length > 0x4000) {
            return false;
        }
        for (long page = rva >>> 12; length > 0 && page <= (rva + length - 1) >>> 12; page++) {
            if (missingPages.contains((int) page)) {
                return false;
            }
        }
        bytes.get((int) rva, dst, offset, length);
        return true;
    }
}
