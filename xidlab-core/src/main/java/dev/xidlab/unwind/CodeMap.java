package dev.xidlab.unwind;

import dev.xidlab.symbols.AddressSearch;
import dev.xidlab.symbols.PeImage;
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
        long found = AddressSearch.floor(modules.size(), i -> modules.get((int) i).base(), address);
        return found < 0 ? Optional.empty() : Optional.of(modules.get((int) found)).filter(m -> m.contains(address));
    }

    Frame frame(long ip, long sp, FrameSource source) {
        Optional<CodeModule> m = at(ip);
        return new Frame(ip, sp, m.map(CodeModule::name), m.map(c -> ip - c.base()).orElse(ip), Optional.empty(),
                source);
    }

    /**
     * Every value from {@code from} up to the stack's end that may be a return address: it points into a module
     * past its headers and, where the module's image is at hand, into its code right after a call instruction.
     * The fallback where unwinding has to stop; the frames say they are scanned, not unwound.
     */
    List<Frame> scan(VirtualMemory memory, long from, long stackEnd, int limit) {
        List<Frame> frames = new ArrayList<>();
        for (long at = from; frames.size() < limit && Long.compareUnsigned(at + 8, stackEnd) <= 0; at += 8) {
            long v;
            try {
                v = memory.u64(at);
            } catch (MemoryAbsentException e) {
                break;                  // the captured stack ends here
            }
            Optional<CodeModule> m = at(v);
            if (m.isPresent() && v - m.get().base() >= HEADER_PAGE && mayReturnTo(m.get(), v - m.get().base())) {
                frames.add(new Frame(v, at, Optional.of(m.get().name()), v - m.get().base(), Optional.empty(),
                        FrameSource.SCANNED));
            }
        }
        return frames;
    }

    /** Without the image anything in the module may be; with it, only code that follows a call. */
    private static boolean mayReturnTo(CodeModule module, long rva) {
        Optional<CodeModule.Image> image = module.image();
        if (image.isEmpty()) {
            return true;
        }
        if (!image.get().headers().executable(rva)) {
            return false;
        }
        boolean arm64 = image.get().headers().machine() == PeImage.MACHINE_ARM64;
        byte[] before = new byte[arm64 ? 4 : 7];
        if (!image.get().bytes().read(rva - before.length, before, 0, before.length)) {
            return false;
        }
        return arm64 ? CallInstructions.arm64Call(before) : CallInstructions.endsWithCall(before);
    }
}
