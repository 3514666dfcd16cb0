package dev.xidlab.symbols;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The function names of a PDB, for {@code module!Function+0x1c}: its identity (GUID and age, from the PDB info
 * stream), the DBI stream's section headers (to turn segment:offset into an RVA), the public symbols (S_PUB32)
 * and, where the PDB is private, the procedures the global symbols refer to (S_PROCREF/S_LPROCREF into the
 * module streams, S_GPROC32/S_LPROC32 with their lengths).
 *
 * <p>Written here rather than taken from a library: the one maintained JVM reader of PDBs is Ghidra's, which is
 * not published to Maven Central and comes with Ghidra's program model; this needs a few hundred lines of it.
 */
public final class Pdb {

    /** One function: where it starts (RVA), how long it is when the PDB says (0: unknown), its name. */
    public record Function(long rva, long length, String name) {
    }

    private static final int STREAM_PDB = 1;
    private static final int STREAM_DBI = 3;
    private static final int DBI_HEADER = 64;
    private static final int DEBUG_SECTION_HEADERS = 5;

    private static final int S_PUB32 = 0x110E;
    private static final int S_LPROC32 = 0x110F;
    private static final int S_GPROC32 = 0x1110;
    private static final int S_PROCREF = 0x1125;
    private static final int S_LPROCREF = 0x1127;
    private static final int S_LPROC32_ID = 0x1146;
    private static final int S_GPROC32_ID = 0x1147;
    private static final int PUB_FUNCTION = 2;

    private final PdbKey key;
    private final Function[] functions;
    private final long[][] sections;

    private Pdb(PdbKey key, Function[] functions, long[][] sections) {
        this.key = key;
        this.functions = functions;
        this.sections = sections;
    }

    public static Pdb open(Path path) throws PeFormatException {
        MsfFile msf = MsfFile.open(path);
        String file = msf.name();
        ByteBuffer info = msf.stream(STREAM_PDB).filter(b -> b.limit() >= 28)
                .orElseThrow(() -> new PeFormatException(file + ": no PDB info stream"));
        byte[] guid = new byte[16];
        info.get(12, guid);
        ByteBuffer dbi = msf.stream(STREAM_DBI).filter(b -> b.limit() >= DBI_HEADER)
                .orElseThrow(() -> new PeFormatException(file + ": no DBI stream"));
        // The image's RSDS record carries the DBI's age; the info stream's age counts every later write.
        PdbKey key = new PdbKey(path.getFileName().toString(), Guid.of(guid), Integer.toUnsignedLong(dbi.getInt(8)));
        int symbolRecords = dbi.getShort(0x14) & 0xFFFF;
        long modInfoSize = Integer.toUnsignedLong(dbi.getInt(0x18));
        // Substreams in order: module info, section contributions, section map, source info, type server map,
        // EC, then the optional debug header (stream indices, the section headers' among them).
        long optionalAt = DBI_HEADER;
        for (int field : new int[] {0x18, 0x1C, 0x20, 0x24, 0x28, 0x34}) {
            optionalAt += Integer.toUnsignedLong(dbi.getInt(field));
        }
        long optionalSize = Integer.toUnsignedLong(dbi.getInt(0x30));
        if (optionalAt + optionalSize > dbi.limit()) {
            throw new PeFormatException(file + ": the DBI substreams run past the stream");
        }
        int sectionStream = optionalSize >= 2L * (DEBUG_SECTION_HEADERS + 1)
                ? dbi.getShort((int) optionalAt + 2 * DEBUG_SECTION_HEADERS) & 0xFFFF : 0xFFFF;
        long[][] sectionTable = sections(msf, sectionStream);
        long[] sections = new long[sectionTable.length];
        for (int i = 0; i < sections.length; i++) {
            sections[i] = sectionTable[i][0];
        }
        List<ByteBuffer> modules = moduleStreams(msf, dbi, modInfoSize);

        List<Function> found = new ArrayList<>();
        ByteBuffer records = msf.stream(symbolRecords)
                .orElseThrow(() -> new PeFormatException(file + ": no symbol record stream"));
        for (int next = 0; next + 4 <= records.limit(); ) {
            int at = next;
            int length = records.getShort(at) & 0xFFFF;
            int kind = records.getShort(at + 2) & 0xFFFF;
            int end = at + 2 + length;
            if (length < 2 || end > records.limit()) {
                break;
            }
            if (kind == S_PUB32 && length >= 12 && (records.getInt(at + 4) & PUB_FUNCTION) != 0) {
                rva(sections, records.getShort(at + 12) & 0xFFFF, records.getInt(at + 8))
                        .ifPresent(rva -> found.add(new Function(rva, 0, cString(records, at + 14, end))));
            } else if ((kind == S_PROCREF || kind == S_LPROCREF) && length >= 12) {
                int module = (records.getShort(at + 12) & 0xFFFF) - 1;
                long offset = Integer.toUnsignedLong(records.getInt(at + 8));
                if (module >= 0 && module < modules.size()) {
                    procedure(modules.get(module), offset, sections).ifPresent(found::add);
                }
            }
            next = end;
        }
        // Where a procedure record and a public name the same address, keep the procedure: it knows its length.
        found.sort(Comparator.comparingLong(Function::rva).thenComparing(f -> f.length() == 0));
        List<Function> unique = new ArrayList<>();
        for (Function f : found) {
            if (unique.isEmpty() || unique.get(unique.size() - 1).rva() != f.rva()) {
                unique.add(f);
            }
        }
        return new Pdb(key, unique.toArray(new Function[0]), sectionTable);
    }

    /** The image's sections as {RVA, size}, from the DBI's copy of the headers; segment n is index n-1. */
    private static long[][] sections(MsfFile msf, int stream) throws PeFormatException {
        Optional<ByteBuffer> headers = stream == 0xFFFF ? Optional.empty() : msf.stream(stream);
        if (headers.isEmpty()) {
            throw new PeFormatException(msf.name() + ": no section headers in the DBI stream");
        }
        long[][] table = new long[headers.get().limit() / 40][];
        for (int i = 0; i < table.length; i++) {
            table[i] = new long[] {Integer.toUnsignedLong(headers.get().getInt(40 * i + 12)),
                    Integer.toUnsignedLong(headers.get().getInt(40 * i + 8))};
        }
        return table;
    }

    private int section(long rva) {
        for (int i = 0; i < sections.length; i++) {
            if (rva >= sections[i][0] && rva < sections[i][0] + sections[i][1]) {
                return i;
            }
        }
        return -1;
    }

    /** Each module's symbol stream, in module order (an empty buffer for a module without one). */
    private static List<ByteBuffer> moduleStreams(MsfFile msf, ByteBuffer dbi, long size) throws PeFormatException {
        List<ByteBuffer> streams = new ArrayList<>();
        long end = Math.min(DBI_HEADER + size, dbi.limit());
        for (long at = DBI_HEADER; at + 0x40 <= end; ) {
            int stream = dbi.getShort((int) at + 0x22) & 0xFFFF;
            streams.add(stream == 0xFFFF ? ByteBuffer.allocate(0) : msf.stream(stream).orElse(ByteBuffer.allocate(0)));
            long name = at + 0x40;
            for (int strings = 0; strings < 2 && name < end; name++) {
                if (dbi.get((int) name) == 0) {
                    strings++;
                }
            }
            at = (name + 3) & ~3L;
        }
        return streams;
    }

    /** An S_GPROC32/S_LPROC32 record in a module stream: its length, segment:offset and name. */
    private static Optional<Function> procedure(ByteBuffer module, long offset, long[] sections) {
        if (offset + 39 > module.limit()) {
            return Optional.empty();
        }
        int at = (int) offset;
        int kind = module.getShort(at + 2) & 0xFFFF;
        if (kind != S_GPROC32 && kind != S_LPROC32 && kind != S_GPROC32_ID && kind != S_LPROC32_ID) {
            return Optional.empty();
        }
        int end = Math.min(module.limit(), at + 2 + (module.getShort(at) & 0xFFFF));
        long length = Integer.toUnsignedLong(module.getInt(at + 16));
        return rva(sections, module.getShort(at + 36) & 0xFFFF, module.getInt(at + 32))
                .map(rva -> new Function(rva, length, cString(module, at + 39, end)));
    }

    private static Optional<Long> rva(long[] sections, int segment, int offset) {
        if (segment < 1 || segment > sections.length) {
            return Optional.empty();
        }
        return Optional.of(sections[segment - 1] + Integer.toUnsignedLong(offset));
    }

    private static String cString(ByteBuffer b, int from, int end) {
        int stop = from;
        while (stop < end && b.get(stop) != 0) {
            stop++;
        }
        byte[] bytes = new byte[Math.max(0, stop - from)];
        b.get(from, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    public PdbKey key() {
        return key;
    }

    public List<Function> functions() {
        return Arrays.asList(functions);
    }

    /**
     * "Function+0x1c" for an RVA: the function starting at or below it, when the RVA lies inside it (its length
     * when known, else before the next function).
     */
    public Optional<String> describe(long rva) {
        int found = (int) AddressSearch.floor(functions.length, i -> functions[(int) i].rva(), rva);
        if (found < 0) {
            return Optional.empty();
        }
        Function f = functions[found];
        // A public has no length: it reaches to the next function, but never out of its section (into data).
        if ((f.length() > 0 && rva - f.rva() > f.length()) || section(rva) != section(f.rva())) {
            return Optional.empty();
        }
        long offset = rva - f.rva();
        return Optional.of(offset == 0 ? f.name() : f.name() + "+0x" + Long.toHexString(offset));
    }
}
