package dev.xidlab.symbols;

/** The PDB an image was linked with, as its RSDS record names it: file name, GUID and age. */
public record PdbKey(String name, Guid guid, long age) {

    /** The symbol server's directory for it: 32 hex digits of GUID followed by the age in hex. */
    public String key() {
        return guid.hex() + Long.toHexString(age).toUpperCase(java.util.Locale.ROOT);
    }
}
