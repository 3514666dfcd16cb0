package dev.xidlab.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The product's packages as a newcomer reads them: along the data flow (plan, run, verdict, report), each saying
 * what it owns, with no cycle between them, read from the compiled classes (what the code really uses, not its
 * imports or comments).
 */
class PackageGraphTest {

    private static final Path PROJECT = Path.of(System.getProperty("xidlab.projectDir", ".")).toAbsolutePath().normalize();
    private static final List<String> MODULES = List.of("xidlab-core", "xidlab-agent", "xidlab-cli");

    private static JavaClasses product;

    @BeforeAll
    static void importProduct() {
        // Each module's compiled classes, wherever Maven's reactor puts them on the class path (directories in
        // `mvn test`, jars in `mvn verify`).
        product = new ClassFileImporter().importPaths(MODULES.stream()
                .map(m -> PROJECT.resolve(m).resolve("target/classes")).toList());
    }

    @Test
    void productPackagesFormAGraphWithoutCycles() {
        slices().matching("dev.xidlab.(**)").should().beFreeOfCycles().check(product);
    }

    @Test
    void theDataFlowRunsOneWay() {
        // plan -> run -> verdict -> report: no step knows the steps after it.
        String[][] flow = {{"plan", "run"}, {"plan", "verdict"}, {"plan", "report"}, {"run", "verdict"},
                {"run", "report"}, {"verdict", "report"}};
        for (String[] step : flow) {
            noClasses()
                    .that().resideInAPackage("dev.xidlab." + step[0])
                    .should().dependOnClassesThat().resideInAPackage("dev.xidlab." + step[1])
                    .because(step[0] + " comes before " + step[1] + " in the data flow")
                    .check(product);
        }
    }

    @Test
    void onlyTheCommandLineChoosesALab() {
        noClasses()
                .that().resideOutsideOfPackage("dev.xidlab.cli")
                .should().dependOnClassesThat().resideInAPackage("dev.xidlab.cli")
                .because("the CLI is the top of the graph: it opens the lab a user names")
                .check(product);
    }

    @Test
    void theGuestSideStandsWithoutTheHostSide() {
        // What the agent jar carries into a guest: no VM lab, no container runner, no reports, nothing of the CLI.
        noClasses()
                .that().resideInAnyPackage("dev.xidlab.agent..", "dev.xidlab.command..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.xidlab.cli..", "dev.xidlab.lab.vm..",
                        "dev.xidlab.lab.runner..", "dev.xidlab.report..", "dev.xidlab.matrix..", "dev.xidlab.lint..",
                        "org.apache.sshd..", "org.testcontainers..", "me.tongfei.progressbar..")
                .because("the agent runs in the guest and must build without the host's parts")
                .check(product);
    }

    @Test
    void everyProductPackageSaysWhatItOwns() throws IOException {
        List<Path> missing;
        try (Stream<Path> dirs = sourceRoots().flatMap(PackageGraphTest::walk)) {
            missing = dirs.filter(Files::isDirectory).filter(PackageGraphTest::holdsJava)
                    .filter(d -> !Files.exists(d.resolve("package-info.java"))).toList();
        }
        assertEquals(List.of(), missing, "packages without a package-info.java");
    }

    @Test
    void everyProductPackageLivesInOneModule() {
        // A package split across modules would let a module reach past its dependencies through package access.
        Map<Path, List<String>> modulesOf = new TreeMap<>();
        for (String module : MODULES) {
            Path root = PROJECT.resolve(module).resolve("src/main/java");
            walk(root.resolve("dev/xidlab")).filter(Files::isDirectory).filter(PackageGraphTest::holdsJava)
                    .forEach(dir -> modulesOf.computeIfAbsent(root.relativize(dir), d -> new ArrayList<>()).add(module));
        }
        Map<Path, List<String>> split = new TreeMap<>(modulesOf);
        split.values().removeIf(modules -> modules.size() == 1);
        assertEquals(Map.of(), split, "packages in more than one module");
    }

    @Test
    void noProductSourceFileIsLongerThan500Lines() throws IOException {
        List<String> tooLong;
        try (Stream<Path> files = sourceRoots().flatMap(PackageGraphTest::walk)) {
            tooLong = files.filter(f -> f.toString().endsWith(".java")).filter(f -> lines(f) > 500)
                    .map(f -> PROJECT.relativize(f) + " (" + lines(f) + " lines)").toList();
        }
        assertEquals(List.of(), tooLong, "files in src/main over 500 lines");
    }

    /** Every module's product sources. */
    private static Stream<Path> sourceRoots() {
        return MODULES.stream().map(m -> {
            Path root = PROJECT.resolve(m).resolve("src/main/java/dev/xidlab");
            assertTrue(Files.isDirectory(root), "no product sources under " + root);
            return root;
        });
    }

    private static Stream<Path> walk(Path root) {
        try {
            return Files.walk(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean holdsJava(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.toString().endsWith(".java"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long lines(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
