package dev.xidlab.unwind;

import java.util.List;

/**
 * A thread's call stack from one starting context, innermost frame first.
 *
 * @param origin where the walk started, e.g. "context record at 0xffff850429891720 (parameter 4)"
 * @param notes  what limited the walk, one line each: where the chain stopped and why, which images were missing
 */
public record CallStack(String origin, List<Frame> frames, List<String> notes) {

    public CallStack {
        frames = List.copyOf(frames);
        notes = List.copyOf(notes);
    }

    /** Frames up to where unwinding stopped: the part that is a call chain, not a scan. */
    public long chainLength() {
        return frames.stream().filter(f -> f.source() != FrameSource.SCANNED).count();
    }
}
