package dev.xidlab.crash;

import dev.xidlab.dump.TrapFrame;
import java.util.List;

/**
 * The thread stack a double fault exhausted, read from the trap frame's RSP up through the dump's memory.
 *
 * @param stackLimit    the lowest address of the stack's pages (the guard page lies just below it)
 * @param stackTop      the highest address read: the stack's base when {@code baseFound}, else where the dump's
 *                      memory stopped
 * @param bytesUsed     from the trap frame's RSP to {@code stackTop} (at least this much when the base is unknown)
 * @param intoGuardPage how far the RSP went below the stack limit (0: it did not)
 * @param values        the 8-byte values from the first readable address up to {@code stackTop}, innermost first
 * @param memory        where they were read: the kernel dump's page tables or the minidump's captured memory
 */
public record OverflowedStack(TrapFrame trapFrame, long stackLimit, long stackTop, boolean baseFound,
                              long bytesUsed, long intoGuardPage, List<Long> values, String memory) {

    public OverflowedStack {
        values = List.copyOf(values);
    }
}
