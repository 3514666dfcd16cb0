package dev.xidlab.dump;

/** A driver unloaded before the crash (MmUnloadedDrivers), as the triage block records it. */
public record UnloadedModule(String name, long start, long end) {
}
