package dev.xidlab.unwind;

import dev.xidlab.symbols.ImageBytes;
import dev.xidlab.symbols.PeImage;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * An arm64 image's .pdata: entries of BeginAddress and either packed unwind data (Flag 1 or 2 in the low bits)
 * or the RVA of an .xdata record. What the frame-pointer walk asks of it is whether a function keeps a frame
 * record (fp, lr) and how many prolog instructions run before that record is in place.
 */
public final class Arm64FunctionTable {

    /** What a function's unwind data says about its frame record. */
    public record Function(long begin, long length, boolean framed, int prologInstructions) {

        /** Whether the frame record is in place at {@code rva}: the function keeps one and its prolog ran. */
        public boolean recordInPlace(long rva) {
            return framed && (rva - begin) / 4 >= prologInstructions;
        }
    }

    private final ImageBytes image;
    private final PdataTable table;

    public Arm64FunctionTable(ImageBytes image, PeImage headers) {
        this.image = image;
        this.table = new PdataTable(image, headers, PdataTable.Architecture.ARM64);
    }

    /** The function holding {@code rva}; none for a leaf, and none where a page of the table is missing (a dump). */
    public Optional<Function> lookup(long rva) {
        if (!(table.floor(rva) instanceof PdataTable.Search.Entry e)) {
            return Optional.empty();
        }
        ByteBuffer bytes = e.bytes();
        long begin = Integer.toUnsignedLong(bytes.getInt(0));
        int data = bytes.getInt(4);
        Optional<Function> f = (data & 3) == 0 ? unpacked(begin, Integer.toUnsignedLong(data)) : packed(begin, data);
        return f.filter(fn -> rva < fn.begin() + fn.length());
    }

    /**
     * Packed unwind data: FunctionLength (bits 2-12, in instructions), RegF (13-15), RegI (16-19), H (20),
     * CR (21-22: 2 and 3 keep a frame record), FrameSize (23-31). Flag 2 is a fragment without a prolog.
     */
    static Optional<Function> packed(long begin, int data) {
        int flag = data & 3;
        if (flag == 3) {
            return Optional.empty();
        }
        long length = 4L * ((data >>> 2) & 0x7FF);
        int regF = (data >>> 13) & 7;
        int regI = (data >>> 16) & 0xF;
        boolean homes = ((data >>> 20) & 1) != 0;
        int cr = (data >>> 21) & 3;
        boolean framed = cr == 2 || cr == 3;
        if (flag == 2) {
            return Optional.of(new Function(begin, length, framed, 0));
        }
        int integers = regI + (cr == 1 ? 1 : 0);
        int prolog = (cr == 2 ? 1 : 0) + (integers + 1) / 2 + (regF == 0 ? 0 : (regF + 2) / 2) + (homes ? 4 : 0)
                + (framed ? 2 : 1);
        return Optional.of(new Function(begin, length, framed, prolog));
    }

    /**
     * An .xdata record: the header word (FunctionLength in bits 0-17, E in 21, EpilogCount 22-26, CodeWords
     * 27-31, with an extension word when both counts are zero), the epilog scopes, then the unwind codes, prolog
     * first and in reverse order. Each code is one prolog instruction until {@code end}; a frame record is kept
     * when the prolog saves fp/lr as a pair and sets fp.
     */
    private Optional<Function> unpacked(long begin, long xdata) {
        Optional<ByteBuffer> head = image.slice(xdata, 8);
        if (head.isEmpty()) {
            return Optional.empty();
        }
        int word = head.get().getInt(0);
        long length = 4L * (word & 0x3FFFF);
        boolean single = ((word >>> 21) & 1) != 0;
        int epilogs = (word >>> 22) & 0x1F;
        int codeWords = (word >>> 27) & 0x1F;
        long at = xdata + 4;
        if (epilogs == 0 && codeWords == 0) {
            int extension = head.get().getInt(4);
            epilogs = extension & 0xFFFF;
            codeWords = (extension >>> 16) & 0xFF;
            at += 4;
        }
        if (!single) {
            at += 4L * epilogs;
        }
        Optional<ByteBuffer> codes = image.slice(at, 4 * codeWords);
        if (codes.isEmpty()) {
            return Optional.empty();
        }
        boolean pair = false;
        boolean setsFp = false;
        int instructions = 0;
        ByteBuffer c = codes.get();
        for (int i = 0; i < c.limit(); ) {
            int b = c.get(i) & 0xFF;
            if (b == 0xE4 || b == 0xE5) {
                break;                                  // end, end_c
            }
            pair |= b >= 0x40 && b <= 0xBF;             // save_fplr, save_fplr_x
            setsFp |= b == 0xE1 || b == 0xE2;           // set_fp, add_fp
            instructions++;
            i += codeSize(b);
        }
        return Optional.of(new Function(begin, length, pair && setsFp, instructions));
    }

    /** Bytes one unwind code takes, by its first byte. */
    static int codeSize(int b) {
        if (b < 0xC0) {
            return 1;
        }
        if (b < 0xE0) {
            return 2;
        }
        return switch (b) {
            case 0xE0 -> 4;
            case 0xE2 -> 2;
            case 0xE7 -> 3;
            case 0xF8 -> 2;
            case 0xF9 -> 3;
            case 0xFA -> 4;
            case 0xFB -> 5;
            default -> 1;
        };
    }
}
