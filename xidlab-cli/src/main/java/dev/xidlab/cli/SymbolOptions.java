package dev.xidlab.cli;

import dev.xidlab.symbols.SymbolPath;
import dev.xidlab.symbols.SymbolStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --symbols PATH}: where module images and PDBs are found, in {@code _NT_SYMBOL_PATH}'s syntax. */
final class SymbolOptions {

    @Option(names = "--symbols", paramLabel = "PATH", defaultValue = "${env:_NT_SYMBOL_PATH}",
            description = {"Symbol path: directories in the symbol server layout (name/KEY/name) and"
                    + " srv*CACHE*URL entries, separated by ';' (default: _NT_SYMBOL_PATH when set). Images give"
                    + " the unwind data, PDBs the function names; without them stacks fall back to a scan.",
                    "Example: --symbols 'C:\\symbols;srv*C:\\symcache*https://msdl.microsoft.com/download/symbols'"})
    String path;

    /** Where srv*URL without a cache keeps its downloads. */
    static Path defaultCache() {
        return Path.of(System.getProperty("user.home"), ".xidlab", "symbols");
    }

    /** The store; a server that does not answer prints one warning line on stderr and the command goes on. */
    SymbolStore store(PrintWriter err) {
        if (path == null || path.isBlank()) {
            return SymbolStore.none();
        }
        SymbolPath parsed = SymbolPath.parse(path, defaultCache());
        return new SymbolStore(parsed, warning -> {
            err.println("xidlab: warning: " + warning);
            err.flush();
        });
    }

    String describe() {
        return path == null || path.isBlank() ? "none (--symbols or _NT_SYMBOL_PATH)" : path;
    }
}
