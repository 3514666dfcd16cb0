package dev.xidlab.dump;

import java.util.Arrays;
import java.util.List;

/**
 * The 64-bit dump layouts, one constant per field the reader reads or the kernel model writes: its struct, its
 * name as the C side spells it, its offset in the struct and its size. The model's writers take the same table
 * from driver/sim/xm_dump_layout.h, and DumpLayoutTest has gcc print that table and compares it with this one
 * both ways, so a field moved on one side is caught before a dump is misread.
 */
public enum DumpLayout {

    HEADER_SIGNATURE("DUMP_HEADER64.Signature", 0x0000, 4),
    HEADER_VALID_DUMP("DUMP_HEADER64.ValidDump", 0x0004, 4),
    HEADER_MAJOR_VERSION("DUMP_HEADER64.MajorVersion", 0x0008, 4),
    HEADER_MINOR_VERSION("DUMP_HEADER64.MinorVersion", 0x000C, 4),
    HEADER_DIRECTORY_TABLE_BASE("DUMP_HEADER64.DirectoryTableBase", 0x0010, 8),
    HEADER_PFN_DATA_BASE("DUMP_HEADER64.PfnDataBase", 0x0018, 8),
    HEADER_PS_LOADED_MODULE_LIST("DUMP_HEADER64.PsLoadedModuleList", 0x0020, 8),
    HEADER_PS_ACTIVE_PROCESS_HEAD("DUMP_HEADER64.PsActiveProcessHead", 0x0028, 8),
    HEADER_MACHINE_IMAGE_TYPE("DUMP_HEADER64.MachineImageType", 0x0030, 4),
    HEADER_NUMBER_PROCESSORS("DUMP_HEADER64.NumberProcessors", 0x0034, 4),
    HEADER_BUGCHECK_CODE("DUMP_HEADER64.BugCheckCode", 0x0038, 4),
    HEADER_BUGCHECK_PARAMETER1("DUMP_HEADER64.BugCheckParameter1", 0x0040, 8),
    HEADER_BUGCHECK_PARAMETER2("DUMP_HEADER64.BugCheckParameter2", 0x0048, 8),
    HEADER_BUGCHECK_PARAMETER3("DUMP_HEADER64.BugCheckParameter3", 0x0050, 8),
    HEADER_BUGCHECK_PARAMETER4("DUMP_HEADER64.BugCheckParameter4", 0x0058, 8),
    HEADER_KD_DEBUGGER_DATA_BLOCK("DUMP_HEADER64.KdDebuggerDataBlock", 0x0080, 8),
    HEADER_PHYSICAL_MEMORY_BLOCK("DUMP_HEADER64.PhysicalMemoryBlock", 0x0088, 0x2C0),
    HEADER_CONTEXT_RECORD("DUMP_HEADER64.ContextRecord", 0x0348, 0xBB8),
    HEADER_EXCEPTION("DUMP_HEADER64.Exception", 0x0F00, 0x98),
    HEADER_DUMP_TYPE("DUMP_HEADER64.DumpType", 0x0F98, 4),
    HEADER_REQUIRED_DUMP_SPACE("DUMP_HEADER64.RequiredDumpSpace", 0x0FA0, 8),
    HEADER_SYSTEM_TIME("DUMP_HEADER64.SystemTime", 0x0FA8, 8),
    HEADER_SYSTEM_UP_TIME("DUMP_HEADER64.SystemUpTime", 0x1030, 8),
    HEADER_MINI_DUMP_FIELDS("DUMP_HEADER64.MiniDumpFields", 0x1038, 4),
    HEADER_PRODUCT_TYPE("DUMP_HEADER64.ProductType", 0x1040, 4),
    HEADER_SUITE_MASK("DUMP_HEADER64.SuiteMask", 0x1044, 4),

    MEMORY_NUMBER_OF_RUNS("PHYSICAL_MEMORY_DESCRIPTOR64.NumberOfRuns", 0x00, 4),
    MEMORY_NUMBER_OF_PAGES("PHYSICAL_MEMORY_DESCRIPTOR64.NumberOfPages", 0x08, 8),
    MEMORY_RUN("PHYSICAL_MEMORY_DESCRIPTOR64.Run", 0x10, 0x2B0),
    RUN_BASE_PAGE("PHYSICAL_MEMORY_RUN64.BasePage", 0x00, 8),
    RUN_PAGE_COUNT("PHYSICAL_MEMORY_RUN64.PageCount", 0x08, 8),

    BITMAP_SIGNATURE("DUMP_BITMAP64.Signature", 0x00, 4),
    BITMAP_VALID_DUMP("DUMP_BITMAP64.ValidDump", 0x04, 4),
    BITMAP_FIRST_PAGE("DUMP_BITMAP64.FirstPage", 0x20, 8),
    BITMAP_TOTAL_PRESENT_PAGES("DUMP_BITMAP64.TotalPresentPages", 0x28, 8),
    BITMAP_PAGES("DUMP_BITMAP64.Pages", 0x30, 8),
    BITMAP_BITS("DUMP_BITMAP64.Bitmap", 0x38, 0),

    TRIAGE_SERVICE_PACK_BUILD("TRIAGE_DUMP64.ServicePackBuild", 0x00, 4),
    TRIAGE_SIZE_OF_DUMP("TRIAGE_DUMP64.SizeOfDump", 0x04, 4),
    TRIAGE_VALID_OFFSET("TRIAGE_DUMP64.ValidOffset", 0x08, 4),
    TRIAGE_CONTEXT_OFFSET("TRIAGE_DUMP64.ContextOffset", 0x0C, 4),
    TRIAGE_EXCEPTION_OFFSET("TRIAGE_DUMP64.ExceptionOffset", 0x10, 4),
    TRIAGE_UNLOADED_DRIVERS_OFFSET("TRIAGE_DUMP64.UnloadedDriversOffset", 0x18, 4),
    TRIAGE_CALL_STACK_OFFSET("TRIAGE_DUMP64.CallStackOffset", 0x28, 4),
    TRIAGE_SIZE_OF_CALL_STACK("TRIAGE_DUMP64.SizeOfCallStack", 0x2C, 4),
    TRIAGE_DRIVER_LIST_OFFSET("TRIAGE_DUMP64.DriverListOffset", 0x30, 4),
    TRIAGE_DRIVER_COUNT("TRIAGE_DUMP64.DriverCount", 0x34, 4),
    TRIAGE_STRING_POOL_OFFSET("TRIAGE_DUMP64.StringPoolOffset", 0x38, 4),
    TRIAGE_STRING_POOL_SIZE("TRIAGE_DUMP64.StringPoolSize", 0x3C, 4),
    TRIAGE_TRIAGE_OPTIONS("TRIAGE_DUMP64.TriageOptions", 0x44, 4),
    TRIAGE_TOP_OF_STACK("TRIAGE_DUMP64.TopOfStack", 0x48, 8),
    TRIAGE_DATA_PAGE_ADDRESS("TRIAGE_DUMP64.DataPageAddress", 0x60, 8),
    TRIAGE_DATA_PAGE_OFFSET("TRIAGE_DUMP64.DataPageOffset", 0x68, 4),
    TRIAGE_DATA_PAGE_SIZE("TRIAGE_DUMP64.DataPageSize", 0x6C, 4),
    TRIAGE_DATA_BLOCKS_OFFSET("TRIAGE_DUMP64.DataBlocksOffset", 0x78, 4),
    TRIAGE_DATA_BLOCKS_COUNT("TRIAGE_DUMP64.DataBlocksCount", 0x7C, 4),

    DRIVER_NAME_OFFSET("DUMP_DRIVER_ENTRY64.DriverNameOffset", 0x00, 4),
    DRIVER_DLL_BASE("DUMP_DRIVER_ENTRY64.DllBase", 0x38, 8),
    DRIVER_SIZE_OF_IMAGE("DUMP_DRIVER_ENTRY64.SizeOfImage", 0x48, 4),
    DRIVER_CHECK_SUM("DUMP_DRIVER_ENTRY64.CheckSum", 0x80, 4),
    DRIVER_TIME_DATE_STAMP("DUMP_DRIVER_ENTRY64.TimeDateStamp", 0x88, 4),

    BLOCK_ADDRESS("TRIAGE_DATA_BLOCK64.Address", 0x00, 8),
    BLOCK_OFFSET("TRIAGE_DATA_BLOCK64.Offset", 0x08, 4),
    BLOCK_SIZE("TRIAGE_DATA_BLOCK64.Size", 0x0C, 4),

    CONTEXT_FLAGS("CONTEXT64.ContextFlags", 0x30, 4),
    CONTEXT_SEG_CS("CONTEXT64.SegCs", 0x38, 2),
    CONTEXT_SEG_SS("CONTEXT64.SegSs", 0x42, 2),
    CONTEXT_EFLAGS("CONTEXT64.EFlags", 0x44, 4),
    CONTEXT_RCX("CONTEXT64.Rcx", 0x80, 8),
    CONTEXT_RDX("CONTEXT64.Rdx", 0x88, 8),
    CONTEXT_RSP("CONTEXT64.Rsp", 0x98, 8),
    CONTEXT_RIP("CONTEXT64.Rip", 0xF8, 8);

    /** The structs the fields lie in, with their sizes; the names are the C side's. */
    public enum Struct {
        DUMP_HEADER64(0x2000),
        PHYSICAL_MEMORY_DESCRIPTOR64(0x2C0),
        PHYSICAL_MEMORY_RUN64(0x10),
        /** The SDMP/FDMP header right after DUMP_HEADER64; its bits follow it. */
        DUMP_BITMAP64(0x38),
        /** Right after DUMP_HEADER64 in a minidump; every offset in it is a file offset. */
        TRIAGE_DUMP64(0x80),
        DUMP_DRIVER_ENTRY64(0x90),
        TRIAGE_DATA_BLOCK64(0x10),
        /** Only the x64 CONTEXT fields a writer fills or the reader reads. */
        CONTEXT64(0x4D0);

        public final int size;

        Struct(int size) {
            this.size = size;
        }

        /** Its fields in offset order. */
        public List<DumpLayout> fields() {
            return Arrays.stream(DumpLayout.values()).filter(f -> f.struct == this).toList();
        }
    }

    public final Struct struct;
    /** The field's name as the C side and Windows spell it: what an error about it names. */
    public final String field;
    public final long offset;
    public final int size;

    /** @param name the struct and the field, as C spells them: {@code DUMP_HEADER64.BugCheckCode} */
    DumpLayout(String name, long offset, int size) {
        int dot = name.indexOf('.');
        this.struct = Struct.valueOf(name.substring(0, dot));
        this.field = name.substring(dot + 1);
        this.offset = offset;
        this.size = size;
    }

    /** Where the field lies in a struct that starts at {@code base}. */
    public long at(long base) {
        return base + offset;
    }
}
