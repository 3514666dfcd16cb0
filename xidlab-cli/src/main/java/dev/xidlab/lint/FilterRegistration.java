package dev.xidlab.lint;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A constant FLT_REGISTRATION found in an image, and its FLT_OPERATION_REGISTRATION entries. Addresses are RVAs.
 *
 * @param rva where the FLT_REGISTRATION lies
 * @param section the section holding it
 * @param operationsRva where its operation table lies (0 when it registers no operation)
 */
public record FilterRegistration(long rva, String section, long flags, long operationsRva,
                                 List<Operation> operations) {

    public static final int IRP_MJ_CREATE = 0x00;
    public static final int IRP_MJ_READ = 0x03;
    public static final int IRP_MJ_WRITE = 0x04;
    public static final int IRP_MJ_OPERATION_END = 0x80;
    public static final long SKIP_PAGING_IO = 0x1;

    public FilterRegistration {
        operations = List.copyOf(operations);
    }

    /** A callback: its RVA and the section its code lies in. */
    public record Callback(long rva, String section) {
    }

    /** One FLT_OPERATION_REGISTRATION: the major function, its flags, its pre- and post-operation callbacks. */
    public record Operation(int major, long flags, Optional<Callback> pre, Optional<Callback> post) {

        /** A read or write registered without SKIP_PAGING_IO: its callbacks run for paging I/O. */
        public boolean onPagingPath() {
            return (major == IRP_MJ_READ || major == IRP_MJ_WRITE) && (flags & SKIP_PAGING_IO) == 0;
        }

        public String majorName() {
            return FilterRegistration.majorName(major);
        }

        public List<String> flagNames() {
            return FilterRegistration.flagNames(flags);
        }
    }

    private static final String[] IRP_MJ = {"CREATE", "CREATE_NAMED_PIPE", "CLOSE", "READ", "WRITE",
        "QUERY_INFORMATION", "SET_INFORMATION", "QUERY_EA", "SET_EA", "FLUSH_BUFFERS", "QUERY_VOLUME_INFORMATION",
        "SET_VOLUME_INFORMATION", "DIRECTORY_CONTROL", "FILE_SYSTEM_CONTROL", "DEVICE_CONTROL",
        "INTERNAL_DEVICE_CONTROL", "SHUTDOWN", "LOCK_CONTROL", "CLEANUP", "CREATE_MAILSLOT", "QUERY_SECURITY",
        "SET_SECURITY", "POWER", "SYSTEM_CONTROL", "DEVICE_CHANGE", "QUERY_QUOTA", "SET_QUOTA", "PNP"};

    /** fltKernel.h's own operations, numbered down from (UCHAR)-1; null where it defines none. */
    private static final String[] FLT_MJ = {"ACQUIRE_FOR_SECTION_SYNCHRONIZATION",
        "RELEASE_FOR_SECTION_SYNCHRONIZATION", "ACQUIRE_FOR_MOD_WRITE", "RELEASE_FOR_MOD_WRITE",
        "ACQUIRE_FOR_CC_FLUSH", "RELEASE_FOR_CC_FLUSH", "QUERY_OPEN", null, null, null, null, null,
        "FAST_IO_CHECK_IF_POSSIBLE", "NETWORK_QUERY_OPEN", "MDL_READ", "MDL_READ_COMPLETE", "PREPARE_MDL_WRITE",
        "MDL_WRITE_COMPLETE", "VOLUME_MOUNT", "VOLUME_DISMOUNT"};

    private static final String[] OPERATION_FLAGS = {"SKIP_PAGING_IO", "SKIP_CACHED_IO", "SKIP_NON_DASD_IO",
        "SKIP_NON_CACHED_NON_PAGING_IO"};

    /** Whether a byte is a major function a minifilter may register. */
    static boolean validMajor(int major) {
        return major < IRP_MJ.length || (major >= 0x100 - FLT_MJ.length && FLT_MJ[0xFF - major] != null);
    }

    /** The flag bits an operation registration may have. */
    static boolean validFlags(long flags) {
        return (flags & ~((1L << OPERATION_FLAGS.length) - 1)) == 0;
    }

    static String majorName(int major) {
        if (major < IRP_MJ.length) {
            return "IRP_MJ_" + IRP_MJ[major];
        }
        if (major >= 0x100 - FLT_MJ.length && FLT_MJ[0xFF - major] != null) {
            return "IRP_MJ_" + FLT_MJ[0xFF - major];
        }
        return String.format("0x%02x", major);
    }

    static List<String> flagNames(long flags) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < OPERATION_FLAGS.length; i++) {
            if ((flags & (1L << i)) != 0) {
                names.add(OPERATION_FLAGS[i]);
            }
        }
        return names;
    }
}
