package dev.xidlab.load;

/**
 * The load a run puts on a machine: concurrent I/O workers, processes started and ended while it runs (so pids
 * are reused and the CID table grows and shrinks), the file-operation mix, memory pressure, and the budget.
 * The same profile drives the kernel model and a Windows guest.
 */
public record StressProfile(int workers, int processes, OperationMix mix, MemoryPressure pressure, Budget budget) {

    public StressProfile {
        if (workers < 1 || workers > 64) {
            throw new IllegalArgumentException("workers must be 1..64, not " + workers);
        }
        if (processes < 1 || processes > 4096) {
            throw new IllegalArgumentException("processes must be 1..4096, not " + processes);
        }
        if (mix == null || pressure == null || budget == null) {
            throw new IllegalArgumentException("a stress profile needs a mix, a memory pressure and a budget");
        }
    }

    public StressProfile withPressure(MemoryPressure level) {
        return new StressProfile(workers, processes, mix, level, budget);
    }

    public StressProfile withBudget(Budget newBudget) {
        return new StressProfile(workers, processes, mix, pressure, newBudget);
    }
}
