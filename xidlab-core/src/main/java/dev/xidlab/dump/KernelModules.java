package dev.xidlab.dump;

import dev.xidlab.unwind.MemoryAbsentException;
import dev.xidlab.unwind.VirtualMemory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The loaded drivers of a kernel memory dump, from PsLoadedModuleList (its address is in DUMP_HEADER64 at 0x20):
 * a LIST_ENTRY head whose Flink chain runs through the KLDR_DATA_TABLE_ENTRY of each module.
 *
 * <p>The offsets read are the ones debuggers and Volatility read on every x64 Windows since XP x64, because the
 * entry starts like LDR_DATA_TABLE_ENTRY: InLoadOrderLinks at 0x00, DllBase 0x30, SizeOfImage 0x40, BaseDllName
 * (UNICODE_STRING: USHORT Length in bytes, then the buffer pointer at +8) at 0x58. The image's TimeDateStamp is
 * read from its own PE header in memory (e_lfanew at 0x3C, the stamp 8 bytes after "PE\0\0"), since the entry's
 * copy moved between versions. A list that breaks, loops or runs past 4,096 entries ends with a note.
 */
public final class KernelModules {

    static final int MAX_MODULES = 4096;
    private static final int MAX_NAME_BYTES = 2 * 260;

    private KernelModules() {
    }

    public static List<LoadedModule> read(VirtualMemory memory, long listHead, List<String> notes) {
        List<LoadedModule> modules = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        long entry;
        try {
            entry = memory.u64(listHead);
        } catch (MemoryAbsentException e) {
            notes.add("no module list: PsLoadedModuleList " + e.getMessage());
            return modules;
        }
        while (entry != listHead) {
            if (!seen.add(entry)) {
                notes.add(String.format("the module list loops at 0x%X without coming back to its head", entry));
                break;
            }
            if (modules.size() == MAX_MODULES) {
                notes.add("the module list runs past " + MAX_MODULES + " entries: the rest are ignored");
                break;
            }
            try {
                long base = memory.u64(entry + 0x30);
                long size = Integer.toUnsignedLong((int) memory.u64(entry + 0x40));
                modules.add(new LoadedModule(name(memory, entry), base, size, timeDateStamp(memory, base)));
                entry = memory.u64(entry);
            } catch (MemoryAbsentException e) {
                notes.add("the module list breaks: " + e.getMessage());
                break;
            }
        }
        modules.sort(Comparator.comparing(LoadedModule::base, Long::compareUnsigned));
        return modules;
    }

    private static String name(VirtualMemory memory, long entry) throws MemoryAbsentException {
        int length = (int) (memory.u64(entry + 0x58) & 0xFFFF);
        long buffer = memory.u64(entry + 0x60);
        byte[] chars = new byte[Math.min(length, MAX_NAME_BYTES) & ~1];
        try {
            memory.read(buffer, chars, 0, chars.length);
        } catch (MemoryAbsentException e) {
            return String.format("module@0x%X", entry);      // the name's page is out: the module still counts
        }
        String path = new String(chars, StandardCharsets.UTF_16LE);
        return path.substring(path.lastIndexOf('\\') + 1);
    }

    private static long timeDateStamp(VirtualMemory memory, long base) {
        try {
            long lfanew = memory.u64(base + 0x3C) & 0xFFFFFFFFL;
            if (lfanew > 0x1000 || (memory.u64(base + lfanew) & 0xFFFFFFFFL) != 0x4550) {
                return 0;
            }
            return memory.u64(base + lfanew + 8) & 0xFFFFFFFFL;
        } catch (MemoryAbsentException e) {
            return 0;
        }
    }
}
