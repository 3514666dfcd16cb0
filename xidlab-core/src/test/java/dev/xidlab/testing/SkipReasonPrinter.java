package dev.xidlab.testing;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Prints why each skipped test did not run, in the build's output: a test that needs what this machine lacks
 * (Windows, Docker) is skipped with its reason where CI readers see it, not only in the report files.
 */
public final class SkipReasonPrinter implements TestExecutionListener {

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        print(test, reason);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
            print(test, result.getThrowable().map(Throwable::getMessage).orElse("aborted"));
        }
    }

    private static void print(TestIdentifier test, String reason) {
        System.out.println("SKIPPED " + test.getLegacyReportingName() + " in "
                + test.getUniqueId().replaceAll(".*\\[class:([^\\]]+)\\].*", "$1") + ": " + reason);
    }
}
