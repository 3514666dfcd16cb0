package dev.xidlab.symbols;

/** An image from a store with its headers parsed: what unwinding and naming frames start from. */
public record LoadedImage(PeFile file, PeImage headers) {
}
