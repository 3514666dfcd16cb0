package dev.xidlab.unwind;

import dev.xidlab.symbols.ImageBytes;
import dev.xidlab.symbols.PeImage;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Each module's function table for one walk, read from its image on the first frame that falls into it and kept
 * for the frames after: a deep stack in one driver searches its .pdata once.
 *
 * @param <T> the architecture's reader ({@link X64FunctionTable}, {@link Arm64FunctionTable})
 */
final class FunctionTables<T> {

    private final BiFunction<ImageBytes, PeImage, T> reader;
    private final Map<String, T> tables = new HashMap<>();

    FunctionTables(BiFunction<ImageBytes, PeImage, T> reader) {
        this.reader = reader;
    }

    /** The table of {@code module}, whose image is at hand. */
    T of(CodeModule module, CodeModule.Image image) {
        return tables.computeIfAbsent(module.name(), n -> reader.apply(image.bytes(), image.headers()));
    }
}
