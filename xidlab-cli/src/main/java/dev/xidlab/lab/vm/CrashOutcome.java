package dev.xidlab.lab.vm;

import dev.xidlab.crash.BugcheckEvent;
import dev.xidlab.dump.CrashDump;
import dev.xidlab.lab.RunOutcome;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** A crash's outcome from its evidence: the dump first, the bugcheck event next, the hypervisor's report last. */
final class CrashOutcome {

    private CrashOutcome() {
    }

    /**
     * A bugcheck as the evidence shows it: a dump first, the event log next, the hypervisor's report last. Of the
     * dumps, the kernel memory dump is the one the run is judged by: a double fault's exhausted thread stack is
     * behind its trap frame, which a kernel dump holds and a minidump may not (both stay as evidence).
     */
    static RunOutcome judge(Evidence.Found found, Optional<List<Long>> panicReport, VagrantLab.Signal signal,
                            Duration elapsed, GuestOs guest) {
        Optional<CrashDump> dump = found.dumps().stream()
                .max(Comparator.comparing((Evidence.Fetched f) -> f.listed().kernelDump())
                        .thenComparing(f -> f.dump().header().systemTime()))
                .map(Evidence.Fetched::dump);
        if (dump.isPresent()) {
            var bugcheck = dump.get().header().bugcheck();
            return new RunOutcome.Bugchecked(bugcheck.code(), bugcheck.parameters(), Optional.of(dump.get().file()),
                    found.files(), 0, elapsed, Optional.empty());
        }
        Optional<BugcheckEvent> event = found.events().stream().filter(e -> e.bugcheck().code() != 0)
                .max(Comparator.comparing(BugcheckEvent::time));
        if (event.isPresent()) {
            var bugcheck = event.get().bugcheck();
            return new RunOutcome.Bugchecked(bugcheck.code(), bugcheck.parameters(), Optional.empty(), found.files(),
                    0, elapsed, Optional.empty());
        }
        if (panicReport.isPresent() && panicReport.get().get(0) != 0) {
            List<Long> r = panicReport.get();
            return new RunOutcome.Bugchecked(r.get(0), r.subList(1, 5), Optional.empty(), found.files(), 0, elapsed,
                    Optional.empty());
        }
        if (found.restart().isPresent()) {
            return RunOutcome.LabFailure.plannedRestart(found.restart().get().describe(), elapsed);
        }
        return new RunOutcome.LabFailure("the guest went down during the load (" + describe(signal) + ") and rebooted,"
                + " but left no dump, no bugcheck event and no panic report" + (found.notes().isEmpty() ? ""
                : "; " + String.join("; ", found.notes())) + (guest.standIn() ? ""
                : " (are CrashControl and the pagefile set? xidlab lab doctor)"), elapsed);
    }

    static String describe(VagrantLab.Signal signal) {
        return switch (signal) {
            case PANIC_DEVICE -> "the hypervisor's panic device fired";
            case POWERED_OFF -> "the domain powered off";
            case SESSION_LOST -> "the SSH session died: keepalives unanswered";
        };
    }
}
