package dev.xidlab.dump;

import dev.xidlab.symbols.ImageBytes;
import dev.xidlab.unwind.MemoryAbsentException;
import dev.xidlab.unwind.VirtualMemory;
import java.util.Optional;

/**
 * A loaded module's image as a kernel memory dump holds it: the loader mapped the image at DllBase section by
 * section at its RVAs, so RVA r is the byte at DllBase + r of the dump's virtual memory. Headers, .pdata, .xdata and
 * code are read through the dump's page tables; a page the dump does not hold (paged out, a discarded INIT section,
 * never written to the dump) is not available, and the last such absence is kept for the notes.
 */
public final class ImageInDump implements ImageBytes {

    private final VirtualMemory memory;
    private final LoadedModule module;
    private volatile MemoryAbsentException lastAbsence;

    public ImageInDump(VirtualMemory memory, LoadedModule module) {
        this.memory = memory;
        this.module = module;
    }

    @Override
    public long size() {
        return module.size();
    }

    @Override
    public boolean read(long rva, byte[] dst, int offset, int length) {
        if (rva < 0 || length < 0 || rva + length > module.size()) {
            return false;
        }
        try {
            memory.read(module.base() + rva, dst, offset, length);
            return true;
        } catch (MemoryAbsentException e) {
            lastAbsence = e;
            return false;
        }
    }

    /** Why the last read that failed found no bytes. */
    public Optional<MemoryAbsentException> lastAbsence() {
        return Optional.ofNullable(lastAbsence);
    }
}
