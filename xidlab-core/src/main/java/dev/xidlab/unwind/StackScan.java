package dev.xidlab.unwind;

import java.util.List;

/**
 * What a walk does with the stack its unwinding could not reach: scans it for return addresses up to the
 * thread's stack end.
 *
 * @param stackEnd where the thread's stack ends (its base, exclusive): the scan goes up to it and no further
 */
record StackScan(CodeMap code, VirtualMemory memory, long stackEnd) {

    /** The scanned frames from {@code sp} up, at most {@code room} of them. */
    List<Frame> from(long sp, int room) {
        return code.scan(memory, sp, stackEnd, room);
    }
}
