package dev.xidlab.dump;

/** A driver in the dump's driver list: where it was loaded and its image timestamp. */
public record LoadedModule(String name, long base, long size, long timeDateStamp) {

    public boolean contains(long address) {
        return Long.compareUnsigned(address, base) >= 0 && Long.compareUnsigned(address - base, size) < 0;
    }

    /** "xidfilter.sys+0x1893". */
    public String locate(long address) {
        return name + "+0x" + Long.toHexString(address - base);
    }
}
