package dev.xidlab.dump;

import static dev.xidlab.dump.DumpLayout.*;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What the minidump and the kernel dump builders write alike, at the offsets {@link DumpLayout} holds (the ones
 * gcc checks against the model's writers): the bugcheck, the bitmap signature, and the DUMP_HEADER64 fields
 * every 64-bit dump starts with.
 *
 * @param <B> the builder, so that the setters chain
 */
public abstract class Header64Builder<B extends Header64Builder<B>> {

    long code = 0x1000007FL;
    long[] params = {8, 0, 0, 0};
    String bitmapSignature = "SDMP";

    abstract B self();

    B bitmapSignature(String signature) {
        bitmapSignature = signature;
        return self();
    }

    public B bugcheck(long bugcheckCode, long... parameters) {
        code = bugcheckCode;
        params = parameters;
        return self();
    }

    /** The first 0x2000 bytes: 'PAGE' where nothing is written, the signature, the machine and the bugcheck. */
    void header64(ByteBuffer b, int machine, int processors) {
        byte[] page = "PAGE".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i + 4 <= Struct.DUMP_HEADER64.size; i += 4) {
            b.put(i, page);
        }
        b.put((int) HEADER_VALID_DUMP.offset, "DU64".getBytes(StandardCharsets.US_ASCII));
        b.putInt((int) HEADER_MAJOR_VERSION.offset, 0xF).putInt((int) HEADER_MINOR_VERSION.offset, 19041)
                .putInt((int) HEADER_MACHINE_IMAGE_TYPE.offset, machine)
                .putInt((int) HEADER_NUMBER_PROCESSORS.offset, processors)
                .putInt((int) HEADER_BUGCHECK_CODE.offset, (int) code);
        for (int i = 0; i < 4; i++) {
            b.putLong((int) HEADER_BUGCHECK_PARAMETER1.offset + 8 * i, params[i]);
        }
        b.putLong((int) HEADER_SYSTEM_TIME.offset, 133_500_000_000_000_000L)
                .putLong((int) HEADER_SYSTEM_UP_TIME.offset, 600_000_000L);
    }

    /** A zeroed context record holding only Rip and Rsp, and the zero padding after BugCheckCode. */
    static void context64(ByteBuffer b, long rip, long rsp) {
        b.putInt((int) HEADER_BUGCHECK_CODE.offset + 4, 0);
        int record = (int) HEADER_CONTEXT_RECORD.offset;
        for (int i = record; i < record + CONTEXT_RECORD_ZEROED; i++) {
            b.put(i, (byte) 0);
        }
        b.putLong(record + (int) CONTEXT_RIP.offset, rip).putLong(record + (int) CONTEXT_RSP.offset, rsp);
    }

    private static final int CONTEXT_RECORD_ZEROED = Struct.CONTEXT64.size;
}
