package dev.xidlab.unwind;

import java.util.Optional;

/**
 * One frame of a call stack.
 *
 * @param ip     the instruction pointer: where the thread stopped, or a return address
 * @param sp     the stack pointer of the frame (for a scanned entry: where on the stack the value was found)
 * @param module the module holding {@code ip}, when one does
 * @param offset {@code ip} less the module's base
 * @param symbol "Function+0x1c" from the module's PDB, when known
 */
public record Frame(long ip, long sp, Optional<String> module, long offset, Optional<String> symbol,
                    FrameSource source) {

    public Frame withSymbol(String name) {
        return new Frame(ip, sp, module, offset, Optional.of(name), source);
    }

    /** "amdppm!AcpiCStateIdleExecute+0x1c", "ntoskrnl.exe+0x40f4e1", or the bare address. */
    public String describe() {
        if (module.isEmpty()) {
            return String.format("0x%016x", ip);
        }
        if (symbol.isPresent()) {
            String m = module.get();
            int dot = m.lastIndexOf('.');
            return (dot > 0 ? m.substring(0, dot) : m) + "!" + symbol.get();
        }
        return module.get() + "+0x" + Long.toHexString(offset);
    }

    /** module+offset, as the scan-based signature spells it. */
    public String signature() {
        return module.map(m -> m + "+0x" + Long.toHexString(offset)).orElse(String.format("0x%016x", ip));
    }
}
