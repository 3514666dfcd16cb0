package dev.xidlab.dump;

import static dev.xidlab.dump.DumpLayout.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes small crash dumps from the documented layouts (DUMP_HEADER32/64, TRIAGE_DUMP64), for the variants no
 * real fixture covers. Test code: every number it writes is one a test then expects to read back.
 */
public final class DumpBuilder extends Header64Builder<DumpBuilder> {

    public record Module(String path, long base, int size) {
    }

    private boolean is64 = true;
    private int dumpType = 4;
    private int machine = 0x8664;
    private final List<Module> modules = new ArrayList<>();
    private final List<Long> stack = new ArrayList<>();
    private long topOfStack = 0xffff850400001000L;
    private final List<Block> blocks = new ArrayList<>();

    /** A TRIAGE_DATA_BLOCK: bytes captured at an address. */
    record Block(long address, byte[] bytes) {
    }

    private Long bugcheckAt;
    private Long contextRip;

    DumpBuilder bits32() {
        is64 = false;
        machine = 0x14C;
        return this;
    }

    DumpBuilder type(int type) {
        dumpType = type;
        return this;
    }

    @Override
    DumpBuilder self() {
        return this;
    }

    public DumpBuilder module(String path, long base, int size) {
        modules.add(new Module(path, base, size));
        return this;
    }

    /** Where the captured stack (and the context's RSP) starts. */
    DumpBuilder topOfStack(long address) {
        topOfStack = address;
        return this;
    }

    /** Memory the minidump captured beyond its stack, as a data block. */
    DumpBuilder dataBlock(long address, byte[] bytes) {
        blocks.add(new Block(address, bytes));
        return this;
    }

    /** The dump's exception record: a breakpoint at {@code address}, as a bugcheck records KeBugCheckEx. */
    public DumpBuilder bugcheckAt(long address) {
        this.bugcheckAt = address;
        return this;
    }

    /** The RIP of the dump's context record (by default the first stack value). */
    public DumpBuilder contextRip(long rip) {
        this.contextRip = rip;
        return this;
    }

    /** Values on the captured stack, top first. */
    public DumpBuilder stack(long... values) {
        for (long v : values) {
            stack.add(v);
        }
        return this;
    }

    public byte[] build() {
        int header = is64 ? Struct.DUMP_HEADER64.size : 0x1000;
        if (!is64 || dumpType != 4) {
            ByteBuffer b = buffer(header + (dumpType >= 5 ? 0x1000 : 0));
            if (is64) {
                header64(b, machine, 4);
                b.putInt((int) HEADER_DUMP_TYPE.offset, dumpType);
            } else {
                fill(b, header);
                b.put(4, "DUMP".getBytes(StandardCharsets.US_ASCII));
                b.putInt(8, 0xF).putInt(12, 19041);
                b.putInt(0x20, machine).putInt(0x24, 4).putInt(0x28, (int) code);
                for (int i = 0; i < 4; i++) {
                    b.putInt(0x2C + 4 * i, (int) params[i]);
                }
                b.putInt(0xF88, dumpType).putLong(0xFC0, 133_500_000_000_000_000L).putLong(0xFB8, 600_000_000L);
            }
            if (dumpType >= 5) {
                b.put(header, bitmapSignature.getBytes(StandardCharsets.US_ASCII));
                b.put(header + 4, "DUMP".getBytes(StandardCharsets.US_ASCII));
                b.putLong(header + 0x28, 4242);
            }
            return b.array();
        }
        int stackOffset = header + Struct.TRIAGE_DUMP64.size + 8;     // after the empty unloaded list
        int driverOffset = stackOffset + 8 * stack.size();
        int poolOffset = driverOffset + Struct.DUMP_DRIVER_ENTRY64.size * modules.size();
        int poolSize = 0;
        for (Module m : modules) {
            poolSize += align8(4 + 2 * (m.path().length() + 1));
        }
        int blockTable = align8(poolOffset + poolSize);
        int blockData = blockTable + 16 * blocks.size();
        int valid = blockData + blocks.stream().mapToInt(x -> align8(x.bytes().length)).sum();
        ByteBuffer b = buffer(valid + 4);
        header64(b, machine, 2);
        context64(b, contextRip != null ? contextRip : stack.isEmpty() ? 0 : stack.get(0), topOfStack);
        if (bugcheckAt != null) {
            int exception = (int) HEADER_EXCEPTION.offset;
            b.putInt(exception, (int) ExceptionRecord.BREAKPOINT).putInt(exception + 4, 1)
                    .putLong(exception + 0x10, bugcheckAt);
            put32(b, header, TRIAGE_EXCEPTION_OFFSET, exception);
        }
        b.putInt((int) HEADER_DUMP_TYPE.offset, 4).putLong((int) HEADER_REQUIRED_DUMP_SPACE.offset, valid + 4);
        put32(b, header, TRIAGE_SIZE_OF_DUMP, valid + 4);
        put32(b, header, TRIAGE_VALID_OFFSET, valid);
        put32(b, header, TRIAGE_CONTEXT_OFFSET, (int) HEADER_CONTEXT_RECORD.offset);
        put32(b, header, TRIAGE_UNLOADED_DRIVERS_OFFSET, header + Struct.TRIAGE_DUMP64.size);
        put32(b, header, TRIAGE_CALL_STACK_OFFSET, stackOffset);
        put32(b, header, TRIAGE_SIZE_OF_CALL_STACK, 8 * stack.size());
        put32(b, header, TRIAGE_DRIVER_LIST_OFFSET, driverOffset);
        put32(b, header, TRIAGE_DRIVER_COUNT, modules.size());
        put32(b, header, TRIAGE_STRING_POOL_OFFSET, poolOffset);
        put32(b, header, TRIAGE_STRING_POOL_SIZE, poolSize);
        b.putLong((int) TRIAGE_TOP_OF_STACK.at(header), topOfStack);
        put32(b, header, TRIAGE_DATA_BLOCKS_OFFSET, blocks.isEmpty() ? 0 : blockTable);
        put32(b, header, TRIAGE_DATA_BLOCKS_COUNT, blocks.size());
        int data = blockData;
        for (int i = 0; i < blocks.size(); i++) {
            Block x = blocks.get(i);
            int entry = blockTable + Struct.TRIAGE_DATA_BLOCK64.size * i;
            b.putLong((int) BLOCK_ADDRESS.at(entry), x.address());
            put32(b, entry, BLOCK_OFFSET, data);
            put32(b, entry, BLOCK_SIZE, x.bytes().length);
            b.put(data, x.bytes());
            data += align8(x.bytes().length);
        }
        b.putInt(header + Struct.TRIAGE_DUMP64.size, 0);
        for (int i = 0; i < stack.size(); i++) {
            b.putLong(stackOffset + 8 * i, stack.get(i));
        }
        int pool = poolOffset;
        for (int i = 0; i < modules.size(); i++) {
            Module m = modules.get(i);
            int entry = driverOffset + Struct.DUMP_DRIVER_ENTRY64.size * i;
            put32(b, entry, DRIVER_NAME_OFFSET, pool);
            b.putLong((int) DRIVER_DLL_BASE.at(entry), m.base());
            put32(b, entry, DRIVER_SIZE_OF_IMAGE, m.size());
            b.putInt(pool, m.path().length());
            byte[] name = m.path().getBytes(StandardCharsets.UTF_16LE);
            b.put(pool + 4, name);
            pool += align8(4 + 2 * (m.path().length() + 1));
        }
        b.putInt(valid, DumpReader.TRIAGE_VALID);
        return b.array();
    }

    private static void put32(ByteBuffer b, int base, DumpLayout field, int value) {
        b.putInt((int) field.at(base), value);
    }

    private static ByteBuffer buffer(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void fill(ByteBuffer b, int length) {
        byte[] page = "PAGE".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i + 4 <= length; i += 4) {
            b.put(i, page);
        }
    }

    private static int align8(int v) {
        return (v + 7) & ~7;
    }
}
