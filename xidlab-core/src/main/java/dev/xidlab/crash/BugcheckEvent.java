package dev.xidlab.crash;

import dev.xidlab.dump.Bugcheck;
import java.time.Instant;
import java.util.Optional;

/** A System event-log entry that records a bugcheck after the reboot. */
public sealed interface BugcheckEvent {

    Instant time();

    String computer();

    Bugcheck bugcheck();

    /** Event 1001, Microsoft-Windows-WER-SystemErrorReporting (source BugCheck): it names the dump written. */
    record WerBugcheck(Instant time, String computer, Bugcheck bugcheck, Optional<String> dumpPath,
                       Optional<String> reportId) implements BugcheckEvent {

        /** The dump's file name (the event has the guest's path, e.g. C:\Windows\Minidump\112426-01.dmp). */
        public Optional<String> dumpFileName() {
            return dumpPath.map(p -> p.substring(Math.max(p.lastIndexOf('\\'), p.lastIndexOf('/')) + 1));
        }
    }

    /** Event 41, Microsoft-Windows-Kernel-Power: the machine rebooted without a clean shutdown. */
    record KernelPowerBugcheck(Instant time, String computer, Bugcheck bugcheck) implements BugcheckEvent {
    }
}
