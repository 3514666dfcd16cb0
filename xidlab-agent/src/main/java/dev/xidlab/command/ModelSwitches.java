package dev.xidlab.command;

import dev.xidlab.device.ModelOptions;
import dev.xidlab.lab.LabName;
import dev.xidlab.protocol.Labels;
import picocli.CommandLine.Option;

/** The kernel model's switches, shared by the commands that run a load on a lab. */
public final class ModelSwitches {

    @Option(names = "--dump", paramLabel = "mini|kernel",
            description = "What the model's bugcheck writes: the minidump (default), or also a kernel memory dump"
                    + " (an SDMP bitmap dump of the pages that matter).")
    public String dump;

    @Option(names = "--paging-path", paramLabel = "filesystem|store",
            description = "How the model reads pagefile-backed pages back: paging I/O through the file-system"
                    + " stack (default), or the Windows 10+ store manager, which bypasses it (image pages still"
                    + " pass through).")
    public String pagingPath;

    @Option(names = "--same-thread-fault", paramLabel = "refault|wait",
            description = "The model's named assumption for a fault on a page whose read the same thread has in"
                    + " flight: read it again through the filters (refault, default: the field dumps' recursion),"
                    + " or wait for that read like any collided fault (wait: the machine hangs).")
    public String sameThreadFault;

    @Option(names = "--paging-requestor", paramLabel = "faulting-thread|any-process",
            description = "The model's named assumption for the process a paging read names: the faulting thread's"
                    + " (default, as FltGetRequestorProcessId documents it: a nested lookup asks for the same"
                    + " process), or any live process (each nested lookup touches its own CID page).")
    public String pagingRequestor;

    public boolean given() {
        return dump != null || pagingPath != null || sameThreadFault != null || pagingRequestor != null;
    }

    /** The options with these switches applied; a bad value is a usage error. */
    public ModelOptions applyTo(ModelOptions base) {
        return CommandError.usage(() -> {
            ModelOptions o = base;
            o = dump == null ? o : o.withDump(Labels.parse(ModelOptions.Dump.class, dump, "dump"));
            o = pagingPath == null ? o
                    : o.withPagingPath(Labels.parse(ModelOptions.PagingPath.class, pagingPath, "paging path"));
            o = sameThreadFault == null ? o : o.withSameThreadFault(Labels.parse(
                    ModelOptions.SameThreadFault.class, sameThreadFault, "same-thread fault"));
            return pagingRequestor == null ? o : o.withPagingRequestor(Labels.parse(
                    ModelOptions.PagingRequestor.class, pagingRequestor, "paging requestor"));
        });
    }

    /**
     * The switches belong to the kernel model: on another lab they are a usage error, not silently ignored. The
     * stand-in guest's lab runs the kernel model too: the VM lab hands it a plan's model block this way.
     */
    public void requireModelLab(String labName) {
        if (given() && !LabName.SIM.equalsIgnoreCase(labName) && !LabName.STANDIN.equalsIgnoreCase(labName)) {
            throw new CommandError.Usage("--dump, --paging-path, --same-thread-fault and --paging-requestor"
                    + " set up the kernel model (--lab sim); a real kernel has its own behaviour");
        }
    }
}
