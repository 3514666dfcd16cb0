package dev.xidlab.dump;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** A stop code and its four parameters, with the name WinDbg shows for it. */
public record Bugcheck(long code, List<Long> parameters) {

    /** UNEXPECTED_KERNEL_MODE_TRAP and its _M form: the re-entry crash. */
    public static final long UNEXPECTED_KERNEL_MODE_TRAP = 0x7F;
    public static final long DOUBLE_FAULT = 8;

    private static final Map<Long, String> TRAPS = Map.of(
            0L, "divide error", 1L, "debug trap", 3L, "breakpoint", 4L, "overflow", 5L, "bound check",
            6L, "invalid opcode", 7L, "NPX not available", 8L, "double fault (the kernel stack ran out)",
            0xDL, "general protection fault", 0xEL, "page fault");

    public Bugcheck {
        parameters = List.copyOf(parameters);
        if (parameters.size() != 4) {
            throw new IllegalArgumentException("a bugcheck has four parameters, not " + parameters.size());
        }
    }

    /** The code without the 0x10000000 flag of the _M ("more parameters") forms. */
    public long baseCode() {
        return baseCode(code);
    }

    static long baseCode(long code) {
        return (code & 0xF0000000L) == 0x10000000L ? code & 0x0FFFFFFFL : code;
    }

    /** e.g. "UNEXPECTED_KERNEL_MODE_TRAP_M" for 0x1000007F; "UNKNOWN_BUGCHECK" for codes not in the table. */
    public String name() {
        return BugcheckNames.name(code);
    }

    public long parameter(int number) {
        return parameters.get(number - 1);
    }

    /** 0x7F / 0x1000007F with parameter 1 = 8: a double fault, the kernel stack ran out. */
    public boolean isDoubleFault() {
        return baseCode() == UNEXPECTED_KERNEL_MODE_TRAP && parameter(1) == DOUBLE_FAULT;
    }

    /** What parameter 1 means where the code says, e.g. the trap of 0x7F. */
    public String parameterMeaning() {
        if (baseCode() == UNEXPECTED_KERNEL_MODE_TRAP) {
            return "trap " + parameter(1) + ": " + TRAPS.getOrDefault(parameter(1), "unknown trap");
        }
        if (baseCode() == 0x7E || baseCode() == 0x8E || baseCode() == 0x1E) {
            return String.format("exception 0x%08X at 0x%016X", (int) parameter(1), parameter(2));
        }
        return "";
    }

    /** "0x1000007F UNEXPECTED_KERNEL_MODE_TRAP_M (0x8, 0x..., 0x..., 0x...)". */
    public String describe() {
        return String.format("0x%08X %s (%s)", code, name(),
                parameters.stream().map(p -> "0x" + Long.toHexString(p)).collect(Collectors.joining(", ")));
    }
}
