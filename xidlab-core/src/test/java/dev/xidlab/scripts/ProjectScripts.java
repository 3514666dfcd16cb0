package dev.xidlab.scripts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The project's own scripts, found in the tree (not listed by hand, so a new one is checked the day it lands). */
final class ProjectScripts {

    static final Path PROJECT = Path.of(System.getProperty("xidlab.projectDir", ".")).toAbsolutePath().normalize();

    /** Where the shell scripts live: the build and test scripts, CI's entry, the VM lab's files. */
    private static final List<String> SHELL_DIRS = List.of("scripts", ".ci", "vagrant");

    private ProjectScripts() {
    }

    /** Every shell script under scripts/, .ci/ and vagrant/: a .sh file, or one whose first line runs sh or bash. */
    static List<Path> shellScripts() {
        return SHELL_DIRS.stream()
                .map(PROJECT::resolve)
                .filter(Files::isDirectory)
                .flatMap(ProjectScripts::files)
                .filter(ProjectScripts::isShell)
                .sorted()
                .toList();
    }

    /** Every PowerShell script in the tree, build output and Git's own files aside. */
    static List<Path> powerShellScripts() {
        return files(PROJECT)
                .filter(f -> f.getFileName().toString().toLowerCase().endsWith(".ps1"))
                .sorted()
                .toList();
    }

    static String relative(Path file) {
        return PROJECT.relativize(file).toString();
    }

    private static Stream<Path> files(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .filter(f -> !PROJECT.relativize(f).startsWith("target"))
                    .filter(f -> !PROJECT.relativize(f).startsWith(".git"))
                    .toList()
                    .stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isShell(Path file) {
        if (file.getFileName().toString().endsWith(".sh")) {
            return true;
        }
        try (var in = Files.newInputStream(file)) {
            String head = new String(in.readNBytes(64), StandardCharsets.ISO_8859_1);
            String first = head.lines().findFirst().orElse("");
            return first.matches("#!\\s*(/usr)?/bin/(env\\s+)?(ba)?sh\\b.*");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
