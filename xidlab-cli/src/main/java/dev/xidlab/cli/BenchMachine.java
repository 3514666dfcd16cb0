package dev.xidlab.cli;

/** The machine a benchmark ran on, as its figures are reported with. */
final class BenchMachine {

    private BenchMachine() {
    }

    static String describe() {
        return Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name") + ", Java "
                + System.getProperty("java.version");
    }
}
