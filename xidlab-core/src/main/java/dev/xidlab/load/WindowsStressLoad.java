package dev.xidlab.load;

import com.sun.jna.Memory;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.BaseTSD;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.ptr.IntByReference;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A StressProfile's load on this Windows machine: workers doing creates, cached reads and writes, and unbuffered
 * (FILE_FLAG_NO_BUFFERING) reads and writes on a scratch directory; short-lived processes so pids are reused and
 * the process-notify routine and CID table churn; and memory pressure: touched allocations of the profile's
 * share of available memory, then emptied working sets, a flushed modified list and a purged standby list.
 * If the driver under test is faulty the machine bugchecks during this and the caller never returns.
 */
public final class WindowsStressLoad {

    private static final int BLOCK = 64 * 1024;
    private static final int FILES_PER_WORKER = 16;
    private static final int FILE_FLAG_NO_BUFFERING = 0x20000000;
    private static final int FILE_FLAG_WRITE_THROUGH = 0x80000000;
    private static final int GENERIC_READ = 0x80000000;
    private static final int GENERIC_WRITE = 0x40000000;
    private static final int OPEN_ALWAYS = 4;
    private static final int MEM_COMMIT_RESERVE = 0x3000;
    private static final int MEM_RELEASE = 0x8000;
    private static final int PAGE_READWRITE = 0x04;
    private static final long BLOCK_BYTES = 64L << 20;
    /** Between cycles, so the I/O runs against a trimmed system rather than the trimming itself. */
    private static final long PRESSURE_PAUSE_MILLIS = 500;

    private static final WindowsMemoryApi API = Platform.isWindows() ? WindowsMemoryApi.load() : null;

    private final Path scratch;

    public WindowsStressLoad(Path scratch) {
        this.scratch = scratch;
    }

    /** How the load ended, with every pressure cycle's steps and their effect on the paged pool. */
    public record Result(long operations, long processesStarted, List<PressureCycle> pressure, Duration elapsed) {

        public Result {
            pressure = List.copyOf(pressure);
        }
    }

    public static String unavailableReason() {
        return Platform.isWindows() ? null : "the Windows load runs on Windows; this is " + System.getProperty("os.name");
    }

    public Result run(StressProfile profile, long seed) throws IOException, InterruptedException {
        if (unavailableReason() != null) {
            throw new IllegalStateException(unavailableReason());
        }
        Files.createDirectories(scratch);
        long started = System.nanoTime();
        long deadline = profile.budget().time() == null ? Long.MAX_VALUE
                : started + profile.budget().time().toNanos();
        long budget = profile.budget().operations() > 0 ? profile.budget().operations() : Long.MAX_VALUE;
        AtomicLong operations = new AtomicLong();
        AtomicLong processes = new AtomicLong();
        List<PressureCycle> cycles = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicReference<RuntimeException> pressureFailed =
                new java.util.concurrent.atomic.AtomicReference<>();
        AtomicBoolean stop = new AtomicBoolean();

        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < profile.workers(); w++) {
            int worker = w;
            threads.add(started("xidlab-io-" + w, () ->
                    ioWorker(profile, new SplittableRandom(seed + worker), worker, operations, budget, deadline, stop)));
        }
        threads.add(started("xidlab-churn", () -> churn(profile, processes, stop)));
        if (profile.pressure().percent() > 0) {
            for (SystemMemoryTrim step : SystemMemoryTrim.values()) {
                // Checked before the load starts: a pressure that cannot act must not pass for one that did.
                WindowsPrivileges.enable(step.privilege());
            }
            threads.add(started("xidlab-pressure", () -> {
                try {
                    pressure(profile.pressure(), cycles, stop);
                } catch (RuntimeException e) {
                    pressureFailed.set(e);
                    stop.set(true);
                }
            }));
        }
        for (Thread t : threads.subList(0, profile.workers())) {
            t.join();
        }
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        if (pressureFailed.get() != null) {
            throw new IOException("the memory pressure failed: " + pressureFailed.get().getMessage());
        }
        // Each worker counts one operation past the budget when it sees the budget spent.
        return new Result(Math.min(operations.get(), budget), processes.get(), List.copyOf(cycles),
                Duration.ofNanos(System.nanoTime() - started));
    }

    private static Thread started(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void ioWorker(StressProfile profile, SplittableRandom random, int worker, AtomicLong operations,
                          long budget, long deadline, AtomicBoolean stop) {
        ByteBuffer cached = ByteBuffer.allocateDirect(BLOCK);
        Memory aligned = new Memory(BLOCK + 4096);
        Pointer unbuffered = aligned.share((4096 - Pointer.nativeValue(aligned) % 4096) % 4096);
        while (!stop.get() && operations.getAndIncrement() < budget && System.nanoTime() < deadline) {
            Path file = scratch.resolve("w" + worker + "-" + random.nextInt(FILES_PER_WORKER) + ".bin");
            int pick = random.nextInt(100);
            try {
                if (pick < profile.mix().createPercent()) {
                    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                        ch.size();
                    }
                } else if (random.nextInt(100) < 30) {
                    unbufferedIo(file, unbuffered, pick < profile.mix().createPercent() + profile.mix().readPercent());
                } else if (pick < profile.mix().createPercent() + profile.mix().readPercent()) {
                    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                            StandardOpenOption.WRITE)) {
                        cached.clear();
                        ch.read(cached, 0);
                    }
                } else {
                    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                        cached.clear();
                        ch.write(cached, (long) random.nextInt(16) * BLOCK);
                    }
                }
            } catch (IOException e) {
                // A busy file (another worker, the antivirus) is part of a real load: the next operation goes on.
            }
        }
    }

    /** Non-cached I/O: reaches the filter as IRP_NOCACHE reads and writes, and pages the cache out of the way. */
    private static void unbufferedIo(Path file, Pointer buffer, boolean read) {
        WinNT.HANDLE h = Kernel32.INSTANCE.CreateFile(file.toString(), GENERIC_READ | GENERIC_WRITE, 0, null,
                OPEN_ALWAYS, FILE_FLAG_NO_BUFFERING | FILE_FLAG_WRITE_THROUGH, null);
        if (WinNT.INVALID_HANDLE_VALUE.equals(h)) {
            return;
        }
        try {
            IntByReference done = new IntByReference();
            if (read) {
                API.ReadFile(h, buffer, BLOCK, done, null);
            } else {
                API.WriteFile(h, buffer, BLOCK, done, null);
            }
        } finally {
            Kernel32.INSTANCE.CloseHandle(h);
        }
    }

    /**
     * Keeps the profile's number of processes alive, each living 0 to 2 seconds, and replaces each one that ends:
     * every start is a new EPROCESS, a CID entry and notify callouts, every exit frees a pid for reuse.
     */
    private static void churn(StressProfile profile, AtomicLong started, AtomicBoolean stop) {
        List<Process> alive = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(profile.processes());
        try {
            while (!stop.get()) {
                alive.removeIf(p -> !p.isAlive());
                while (alive.size() < profile.processes() && !stop.get()) {
                    // ping -n N waits N-1 seconds: a lifetime without a console or a busy loop.
                    alive.add(new ProcessBuilder("cmd.exe", "/c", "ping", "-n", String.valueOf(1 + random.nextInt(3)),
                            "127.0.0.1").redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .redirectError(ProcessBuilder.Redirect.DISCARD).start());
                    started.incrementAndGet();
                }
                Thread.sleep(20);
            }
        } catch (IOException e) {
            // No more processes can be started (a job limit, exhausted resources): the rest of the load goes on.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            alive.forEach(Process::destroyForcibly);
        }
    }

    /**
     * Takes the pressure's share of available memory once and holds it for the run; each cycle touches every
     * page of it again (so the memory manager must take pages from elsewhere) and then, for {@code low} and
     * {@code high}, empties the working sets, writes out the modified list, purges the standby list and trims the
     * paged pool (the aging levels leave the choice to the working set manager). A step that fails stops the
     * load: pressure that silently did nothing would make a fix look good.
     */
    private static void pressure(MemoryPressure level, List<PressureCycle> cycles, AtomicBoolean stop) {
        WinNT.MEMORYSTATUSEX status = new WinNT.MEMORYSTATUSEX();
        Kernel32.INSTANCE.GlobalMemoryStatusEx(status);
        long want = status.ullAvailPhys.longValue() * level.percent() / 100;
        List<Pointer> held = new ArrayList<>();
        try (PagedPoolCounter pagedPool = new PagedPoolCounter()) {
            for (long got = 0; got < want && !stop.get(); got += BLOCK_BYTES) {
                Pointer block = API.VirtualAlloc(null, new BaseTSD.SIZE_T(BLOCK_BYTES), MEM_COMMIT_RESERVE,
                        PAGE_READWRITE);
                if (block == null) {
                    break;
                }
                held.add(block);
            }
            for (int cycle = 1; !stop.get(); cycle++) {
                long before = pagedPool.read();
                for (Pointer block : held) {
                    for (long page = 0; page < BLOCK_BYTES; page += 4096) {
                        block.setByte(page, (byte) cycle);
                    }
                }
                java.util.Map<String, String> statuses = new java.util.LinkedHashMap<>();
                for (SystemMemoryTrim step : level.purgesLists() ? SystemMemoryTrim.values()
                        : new SystemMemoryTrim[0]) {
                    int ntstatus = step.issue();
                    statuses.put(step.call(), String.format("0x%08X", ntstatus));
                    if (ntstatus < 0) {
                        cycles.add(new PressureCycle(cycle, held.size() * BLOCK_BYTES, statuses, before, pagedPool.read()));
                        throw new IllegalStateException(step.call() + " returned " + String.format("0x%08X", ntstatus)
                                + " (" + dev.xidlab.protocol.NtStatus.describe(ntstatus) + ")");
                    }
                }
                cycles.add(new PressureCycle(cycle, held.size() * BLOCK_BYTES, statuses, before, pagedPool.read()));
                try {
                    Thread.sleep(PRESSURE_PAUSE_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        } finally {
            for (Pointer block : held) {
                API.VirtualFree(block, new BaseTSD.SIZE_T(0), MEM_RELEASE);
            }
        }
    }
}
