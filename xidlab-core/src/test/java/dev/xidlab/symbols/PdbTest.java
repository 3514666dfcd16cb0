package dev.xidlab.symbols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PdbTest {

    @TempDir
    Path dir;

    @Test
    void thePdbsIdentityMatchesTheKeyItIsFiledUnder() throws Exception {
        PdbKey key = Pdb.open(SymbolStoreTest.AMDPPM_PDB).key();

        assertEquals("1C19FDDB27BB3399D9B45973EFEAFCF3", key.guid().hex());
        assertEquals(1, key.age(), "the DBI's age, which the image's RSDS record carries");
    }

    @Test
    void publicFunctionsAreReadWithTheirRvas() throws Exception {
        Pdb pdb = Pdb.open(SymbolStoreTest.AMDPPM_PDB);

        assertTrue(pdb.functions().size() >= 400, "functions: " + pdb.functions().size());
        assertTrue(pdb.functions().stream().anyMatch(f -> f.name().equals("EvtDevicePrepareHardware")));
    }

    @Test
    void anAddressIsNamedAsFunctionPlusOffset() throws Exception {
        Pdb pdb = Pdb.open(SymbolStoreTest.AMDPPM_PDB);

        assertEquals(Optional.of("WriteIoMemRawEx+0x70"), pdb.describe(0x334c));
    }

    @Test
    void anAddressInADataSectionHasNoFunctionName() throws Exception {
        // 0x10b01 lies in .rdata, past the last function of .text.
        assertEquals(Optional.empty(), Pdb.open(SymbolStoreTest.AMDPPM_PDB).describe(0x10b01));
    }

    @Test
    void aFileThatIsNotAnMsf7PdbIsRefusedInOneLine() throws Exception {
        Path fake = Files.write(dir.resolve("x.pdb"), java.util.Arrays.copyOf(
                "Microsoft C/C++ program database 2.00\r\n".getBytes(), 0x400));

        PeFormatException e = assertThrows(PeFormatException.class, () -> Pdb.open(fake));

        assertTrue(e.getMessage().endsWith("not an MSF 7.0 PDB (no 'Microsoft C/C++ MSF 7.00' header)"),
                e.getMessage());
    }

    @Test
    void aPdbCutShortIsRefusedNotMisread() throws Exception {
        byte[] real = Files.readAllBytes(SymbolStoreTest.AMDPPM_PDB);
        Path cut = Files.write(dir.resolve("cut.pdb"), java.util.Arrays.copyOf(real, 0x2000));

        assertThrows(PeFormatException.class, () -> Pdb.open(cut));
    }
}
