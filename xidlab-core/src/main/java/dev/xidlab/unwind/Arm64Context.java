package dev.xidlab.unwind;

/** The arm64 registers a frame-pointer walk needs: pc, sp, the frame pointer x29 and the link register x30. */
public record Arm64Context(long pc, long sp, long fp, long lr) {
}
