package dev.xidlab.crash;

import dev.xidlab.symbols.Pdb;
import dev.xidlab.symbols.SymbolStore;
import dev.xidlab.unwind.CallStack;
import dev.xidlab.unwind.CodeMap;
import dev.xidlab.unwind.CodeModule;
import dev.xidlab.unwind.Frame;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Names frames from PDBs: the module's image (already fetched for unwinding) says which PDB it was linked with,
 * the store finds that PDB by GUID and age, and its functions give {@code Function+0x1c}. A module without its
 * image or PDB keeps module+offset.
 */
final class Symbols {

    private Symbols() {
    }

    static CallStack name(CallStack stack, CodeMap code, SymbolStore store) {
        Map<String, Optional<Pdb>> pdbs = new HashMap<>();
        List<Frame> frames = stack.frames().stream().map(f -> {
            if (f.module().isEmpty()) {
                return f;
            }
            Optional<Pdb> pdb = pdbs.computeIfAbsent(f.module().get(), name -> code.at(f.ip())
                    .flatMap(CodeModule::image)
                    .flatMap(image -> image.headers().pdb())
                    .flatMap(store::loadPdb));
            return pdb.flatMap(p -> p.describe(f.offset())).map(f::withSymbol).orElse(f);
        }).toList();
        return new CallStack(stack.origin(), frames, stack.notes());
    }
}
