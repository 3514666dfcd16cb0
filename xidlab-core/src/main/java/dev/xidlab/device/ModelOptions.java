package dev.xidlab.device;

import dev.xidlab.protocol.Labels;
import java.util.ArrayList;
import java.util.List;

/**
 * How a kernel-model machine is set up (XM_OPTIONS): which dumps a bugcheck writes, how pagefile-backed memory
 * comes back, and the assumption the model makes where Windows' behaviour is not documented. A real kernel has
 * its own answers; these apply to the kernel model only.
 *
 * @param dump            {@code MINI}: the minidump only; {@code KERNEL}: also a kernel memory dump (SDMP bitmap)
 * @param pagingPath      {@code FILESYSTEM}: hard faults of pagefile-backed memory are paging reads through the
 *                        file-system stack; {@code STORE}: the Windows 10+ store manager brings them back without
 *                        it (image pages still come through the file system)
 * @param sameThreadFault a named assumption: what a fault on a page whose read the same thread has in flight
 *                        does. {@code REFAULT}: it reads the page again, through the filters again (the field
 *                        dumps' recursion); {@code WAIT}: it waits for that read like any collided fault, which
 *                        can never finish: the machine hangs
 * @param pagingRequestor a named assumption: which process a paging read names. {@code FAULTING_THREAD}: the
 *                        faulting thread's (what FltGetRequestorProcessId documents for the thread that requested
 *                        it), so a nested lookup asks for the same process; {@code ANY_PROCESS}: a live process
 *                        drawn at random, so each level's lookup touches its own CID page and a run can survive
 *                        nested callbacks
 * @param environment     the machine it stands for: a site's build, processors and memory (written into its dumps)
 *                        and the filters loaded beside xidfilter, modelled on the filter stack
 */
public record ModelOptions(Dump dump, PagingPath pagingPath, SameThreadFault sameThreadFault,
                           PagingRequestor pagingRequestor, ModelEnvironment environment) {

    public enum Dump { MINI, KERNEL }

    public enum PagingPath { FILESYSTEM, STORE }

    public enum SameThreadFault { REFAULT, WAIT }

    public enum PagingRequestor { FAULTING_THREAD, ANY_PROCESS }

    public static final ModelOptions DEFAULTS = new ModelOptions(Dump.MINI, PagingPath.FILESYSTEM,
            SameThreadFault.REFAULT, PagingRequestor.FAULTING_THREAD, ModelEnvironment.DEFAULT);

    /** The model's own machine: xidfilter alone, build 19041, 2 processors, 2 GiB. */
    public ModelOptions(Dump dump, PagingPath pagingPath, SameThreadFault sameThreadFault,
                        PagingRequestor pagingRequestor) {
        this(dump, pagingPath, sameThreadFault, pagingRequestor, ModelEnvironment.DEFAULT);
    }

    public ModelOptions {
        if (dump == null || pagingPath == null || sameThreadFault == null || pagingRequestor == null
                || environment == null) {
            throw new IllegalArgumentException("model options need a dump, a paging path, a same-thread fault,"
                    + " a paging requestor and an environment");
        }
    }

    public ModelOptions withDump(Dump value) {
        return new ModelOptions(value, pagingPath, sameThreadFault, pagingRequestor, environment);
    }

    public ModelOptions withPagingPath(PagingPath value) {
        return new ModelOptions(dump, value, sameThreadFault, pagingRequestor, environment);
    }

    public ModelOptions withSameThreadFault(SameThreadFault value) {
        return new ModelOptions(dump, pagingPath, value, pagingRequestor, environment);
    }

    public ModelOptions withPagingRequestor(PagingRequestor value) {
        return new ModelOptions(dump, pagingPath, sameThreadFault, value, environment);
    }

    /** The same machine standing for a site (its filters with their assumed frames). */
    public ModelOptions withEnvironment(ModelEnvironment value) {
        return new ModelOptions(dump, pagingPath, sameThreadFault, pagingRequestor, value);
    }

    /**
     * "same-thread-fault=refault, paging-requestor=faulting-thread (assumptions), paging-path=filesystem,
     * dump=mini", and for a site's machine "; environment: build 19041, ... (filter frames assumed)".
     */
    public String describe() {
        return "same-thread-fault=" + Labels.label(sameThreadFault) + ", paging-requestor="
                + Labels.label(pagingRequestor) + " (assumptions), paging-path=" + Labels.label(pagingPath)
                + ", dump=" + Labels.label(dump) + (environment.equals(ModelEnvironment.DEFAULT) ? ""
                : "; environment: " + environment.describe()
                + (environment.filters().isEmpty() ? "" : " (filter frames assumed)"));
    }

    /**
     * The {@code xidlab stress} switches that set a model up with these options, those that differ from the
     * defaults ({@code --same-thread-fault wait}): how the VM lab hands a plan's model block to the kernel model its
     * stand-in guest runs. The environment has no switches: it stays the model's own there.
     */
    public List<String> switches() {
        List<String> switches = new ArrayList<>();
        if (dump != DEFAULTS.dump) {
            switches.addAll(List.of("--dump", Labels.label(dump)));
        }
        if (pagingPath != DEFAULTS.pagingPath) {
            switches.addAll(List.of("--paging-path", Labels.label(pagingPath)));
        }
        if (sameThreadFault != DEFAULTS.sameThreadFault) {
            switches.addAll(List.of("--same-thread-fault", Labels.label(sameThreadFault)));
        }
        if (pagingRequestor != DEFAULTS.pagingRequestor) {
            switches.addAll(List.of("--paging-requestor", Labels.label(pagingRequestor)));
        }
        return switches;
    }
}
