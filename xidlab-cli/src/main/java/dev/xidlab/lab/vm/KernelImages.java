package dev.xidlab.lab.vm;

import dev.xidlab.lab.LabException;
import dev.xidlab.symbols.PeFormatException;
import dev.xidlab.symbols.SymbolStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A guest's kernel images in a symbol store: ntoskrnl.exe, hal.dll, FLTMGR.SYS and xidfilter.sys fetched by SFTP and
 * filed under their image keys (name/TimeDateStamp+SizeOfImage/name), with the driver's PDB from the build when
 * there is one. Every dump of that guest then unwinds offline with the modules' own unwind data, with no symbol
 * server. An image that cannot be fetched or is not a PE is left out, with a trace line; the run goes on.
 */
final class KernelImages {

    private KernelImages() {
    }

    static List<Path> file(GuestShell shell, GuestOs guest, Path driverDir, Path store, LabTrace trace) {
        List<Path> filed = new ArrayList<>();
        for (String image : guest.kernelImages()) {
            Path fetched = null;
            try {
                // The store files an image under its own name: the temporary copy keeps it.
                fetched = Files.createTempDirectory("xidlab-image-").resolve(image.substring(image.lastIndexOf('/') + 1));
                shell.download(image, fetched);
                filed.add(SymbolStore.add(store, fetched));
            } catch (IOException | LabException | PeFormatException e) {
                trace.step("not filed in the symbol store: " + image + " (" + e.getMessage() + ")");
            } finally {
                deleteQuietly(fetched);
            }
        }
        Path pdb = driverDir.resolve("xidfilter.pdb");
        if (Files.isRegularFile(pdb)) {
            try {
                filed.add(SymbolStore.addPdb(store, pdb));
            } catch (IOException | PeFormatException e) {
                trace.step("not filed in the symbol store: " + pdb + " (" + e.getMessage() + ")");
            }
        }
        return filed;
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
                Files.deleteIfExists(file.getParent());
            } catch (IOException e) {
                // A temp file left behind is harmless.
            }
        }
    }
}
