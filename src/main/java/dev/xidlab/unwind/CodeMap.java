package dev.xidlab.unwind;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The loaded modules of one dump, sorted by base, searched by address. */
public final class CodeMap {

    /** Code never starts in a module's first page (its PE headers): a stack value there is a data pointer. */
    static final long HEADER_PAGE = 0x1000;

    private final List<CodeModule> modules;

    public CodeMap(List<CodeModule> modules) {
        List<CodeModule> sorted = new ArrayList<>(modules);
        sorted.sort(Comparator.comparing(CodeModule::base, Long::compareUnsigned));
        this.modules = List.copyOf(sorted);
    }

    public List<CodeModule> modules() {
        return modules;
    }

    public Optional<CodeModule> at(long address) {
        int lo = 0;
        int hi = modules.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            CodeModule m = modules.get(mid);
            if (Long.compareUnsigned(address, m.base()) < 0) {
                hi = mid - 1;
            } else if (m.contains(address)) {
                return Optional.of(m);
            } else {
                lo = mid + 1;
            }
        }
        return Optional.empty();
    }

    Frame frame(long ip, long sp, FrameSource source) {
        Optional<CodeModule> m = at(ip);
        return new Frame(ip, sp, m.map(CodeModule::name), m.map(c -> ip - c.base()).orElse(ip), Optional.empty(),
                source);
    }

    /**
     * Every value from {@code from} up the captured stack that points into a module past its headers: the
     * fallback where unwinding has to stop. Values in the same module and data pages are kept; the frames say
     * they are scanned, not unwound.
     */
    List<Frame> scan(Memory memory, long from, int limit) {
        List<Frame> frames = new ArrayList<>();
        for (long at = from; frames.size() < limit; at += 8) {
            var value = memory.u64(at);
            if (value.isEmpty()) {
                break;
            }
            long v = value.getAsLong();
            Optional<CodeModule> m = at(v);
            if (m.isPresent() && v - m.get().base() >= HEADER_PAGE) {
                frames.add(new Frame(v, at, Optional.of(m.get().name()), v - m.get().base(), Optional.empty(),
                        FrameSource.SCANNED));
            }
        }
        return frames;
    }
}
