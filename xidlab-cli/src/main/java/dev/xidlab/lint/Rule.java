package dev.xidlab.lint;

/** The lint's rules: an id, a name, a level, what it means and how to fix what it finds. */
public enum Rule {

    XL001("paging-reentry", Level.ERROR,
            "A read or write callback registered without SKIP_PAGING_IO reaches an import that may fault on pageable"
                    + " memory",
            "on paging I/O the fault re-enters the callback until the kernel stack overflows.",
            "Register IRP_MJ_READ and IRP_MJ_WRITE with FLTFL_OPERATION_REGISTRATION_SKIP_PAGING_IO, or stop calling"
                    + " the import on this path (take the process from the callback data with"
                    + " FltGetRequestorProcess, or from a cache a process-notify routine fills)."),
    XL002("pageable-callback", Level.ERROR,
            "Code of a read or write callback registered without SKIP_PAGING_IO lies in a PAGE section",
            "when its page is out, the fault's own paging read runs the callback again.",
            "Keep the callback and everything it calls resident: no alloc_text(PAGE, ...) for them (or register"
                    + " with FLTFL_OPERATION_REGISTRATION_SKIP_PAGING_IO)."),
    XL003("not-followed", Level.WARNING,
            "A read or write callback registered without SKIP_PAGING_IO makes a call or jump the lint cannot follow",
            "what it reaches is unknown, so the callback is not known to be clean.",
            "Call the routine directly so the path can be checked (a function pointer resolved at run time hides"
                    + " it), or register with FLTFL_OPERATION_REGISTRATION_SKIP_PAGING_IO."),
    XL004("registration-not-found", Level.WARNING,
            "The driver imports FltRegisterFilter but no constant FLT_REGISTRATION is in the image",
            "it builds the registration at run time, so its callbacks and flags cannot be read and nothing is known.",
            "Register from a constant FLT_REGISTRATION and operation table (static const data), as the WDK samples"
                    + " do, or lint the build that does.");

    /** How bad a finding is: an error fails the lint (exit 1), a warning does not. */
    public enum Level {
        ERROR, WARNING;

        /** SARIF's name for it. */
        public String sarif() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final String ruleName;
    private final Level level;
    private final String summary;
    private final String consequence;
    private final String fix;

    Rule(String ruleName, Level level, String summary, String consequence, String fix) {
        this.ruleName = ruleName;
        this.level = level;
        this.summary = summary;
        this.consequence = consequence;
        this.fix = fix;
    }

    public String ruleName() {
        return ruleName;
    }

    public Level level() {
        return level;
    }

    /** What the rule finds, in one sentence. */
    public String summary() {
        return summary + ".";
    }

    /** What it finds and why that is a fault. */
    public String description() {
        return summary + ": " + consequence;
    }

    public String fix() {
        return fix;
    }
}
