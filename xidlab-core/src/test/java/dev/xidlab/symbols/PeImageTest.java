package dev.xidlab.symbols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PeImageTest {

    @Test
    void theHeadersGiveTheSymbolServerKeyTheExceptionTableAndThePdb() throws Exception {
        PeImage h = PeImage.read(PeFile.open(SymbolStoreTest.AMDPPM), "amdppm.sys");

        assertEquals(PeImage.MACHINE_AMD64, h.machine());
        assertEquals("C9C030003B000", h.imageKey());
        assertEquals(0x19000, h.exceptionTable());
        assertEquals(0x1854, h.exceptionTableSize());
        assertEquals("amdppm.pdb", h.pdb().orElseThrow().name());
    }

    @Test
    void codeSectionsAreExecutableAndDataSectionsAreNot() throws Exception {
        PeImage h = PeImage.read(PeFile.open(SymbolStoreTest.AMDPPM), "amdppm.sys");

        assertTrue(h.executable(0x334c), ".text");
        assertTrue(h.executable(0x22000), "PAGE");
        assertFalse(h.executable(0x10b01), ".rdata");
        assertFalse(h.executable(0x193fc), ".pdata");
    }

    @Test
    void anRvaReadsTheSectionsBytesFromTheirFileOffset() throws Exception {
        PeFile f = PeFile.open(SymbolStoreTest.AMDPPM);

        // .pdata at RVA 0x19000 is at file offset 0x12400; its first entry starts the first function.
        assertEquals(0x1008L, f.u32(0x19000).orElseThrow());
        assertFalse(f.read(0x3B000 - 2, new byte[4], 0, 4), "nothing past SizeOfImage");
    }

    @Test
    void anRvaIsFoundAtItsFileOffset() throws Exception {
        PeFile f = PeFile.open(SymbolStoreTest.AMDPPM);

        assertEquals(0x12400L, f.fileOffset(0x19000).orElseThrow(), ".pdata, as the section table places it");
        assertEquals(0x3CL, f.fileOffset(0x3C).orElseThrow(), "the headers are where they are loaded");
        assertTrue(f.fileOffset(0x3B000 + 0x10).isEmpty(), "past the image, the file has nothing");
    }

    @Test
    void theDataDirectoriesAreReadByIndex() throws Exception {
        PeImage h = PeImage.read(PeFile.open(SymbolStoreTest.AMDPPM), "amdppm.sys");

        assertEquals(h.exceptionTable(), h.directory(3).rva());
        assertTrue(h.directory(PeImage.DIRECTORY_IMPORT).rva() > 0, "a driver imports from the kernel");
        assertTrue(h.directory(PeImage.DIRECTORY_BASE_RELOCATION).size() > 0, "and can be rebased");
        assertEquals(new PeImage.Directory(0, 0), h.directory(40));
    }

    @Test
    void theKmdfRuntimesImageNamesItsPdb() throws Exception {
        Path wdf = SymbolStoreTest.FIXTURES.resolve("Wdf01000.sys/A9A9D36ED1000/Wdf01000.sys");

        PeImage h = PeImage.read(PeFile.open(wdf), "Wdf01000.sys");

        assertEquals("A9A9D36ED1000", h.imageKey());
        assertEquals("Wdf01000.pdb", h.pdb().orElseThrow().name());
    }
}
