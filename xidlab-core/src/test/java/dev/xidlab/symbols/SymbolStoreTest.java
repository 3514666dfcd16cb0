package dev.xidlab.symbols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SymbolStoreTest {

    static final Path FIXTURES = Path.of(System.getProperty("xidlab.projectDir", "."), "fixtures/symbols");
    static final Path AMDPPM = FIXTURES.resolve("amdppm.sys/C9C030003B000/amdppm.sys");
    static final Path AMDPPM_PDB = FIXTURES.resolve("amdppm.pdb/1C19FDDB27BB3399D9B45973EFEAFCF31/amdppm.pdb");
    static final long AMDPPM_STAMP = 0xC9C03000L;
    static final long AMDPPM_SIZE = 0x3B000;

    @TempDir
    Path dir;

    final List<String> warnings = new ArrayList<>();

    private SymbolStore store(String path) {
        return new SymbolStore(SymbolPath.parse(path, dir.resolve("default-cache")), warnings::add);
    }

    @Test
    void anImageIsFoundByNameTimeDateStampAndSizeOfImage() {
        assertEquals(Optional.of(AMDPPM), store(FIXTURES.toString()).image("amdppm.sys", AMDPPM_STAMP, AMDPPM_SIZE));
    }

    @Test
    void anImageOfAnotherBuildIsNotFound() {
        assertEquals(Optional.empty(), store(FIXTURES.toString()).image("amdppm.sys", AMDPPM_STAMP + 1, AMDPPM_SIZE));
    }

    @Test
    void lookupsIgnoreCaseAsASymbolServerDoes() throws Exception {
        Path root = dir.resolve("store");
        Files.createDirectories(root.resolve("AMDPPM.SYS/c9c030003b000"));
        Files.copy(AMDPPM, root.resolve("AMDPPM.SYS/c9c030003b000/AmdPpm.Sys"));

        assertTrue(store(root.toString()).image("amdppm.sys", AMDPPM_STAMP, AMDPPM_SIZE).isPresent());
    }

    @Test
    void aPdbIsFoundByTheGuidAndAgeTheImagesRsdsRecordNames() throws Exception {
        SymbolStore store = store(FIXTURES.toString());
        PdbKey key = PeImage.read(PeFile.open(AMDPPM), "amdppm.sys").pdb().orElseThrow();

        assertEquals("1C19FDDB27BB3399D9B45973EFEAFCF31", key.key());
        assertEquals(Optional.of(AMDPPM_PDB), store.pdb(key));
    }

    @Test
    void addFilesAnImageUnderItsKeyAndItsMatchingPdbBesideIt() throws Exception {
        Path harvested = dir.resolve("guest");
        Files.createDirectories(harvested);
        Files.copy(AMDPPM, harvested.resolve("amdppm.sys"));
        Files.copy(AMDPPM_PDB, harvested.resolve("amdppm.pdb"));
        Path root = dir.resolve("store");

        Path filed = SymbolStore.add(root, harvested.resolve("amdppm.sys"));

        assertEquals(root.resolve("amdppm.sys/C9C030003B000/amdppm.sys"), filed);
        assertTrue(Files.isRegularFile(root.resolve("amdppm.pdb/1C19FDDB27BB3399D9B45973EFEAFCF31/amdppm.pdb")));
        assertTrue(store(root.toString()).loadPdb(new PdbKey("amdppm.pdb",
                Pdb.open(AMDPPM_PDB).key().guid(), 1)).isPresent());
    }

    @Test
    void addingTheSameImageTwiceKeepsOneCopy() throws Exception {
        Path root = dir.resolve("store");

        Path first = SymbolStore.add(root, AMDPPM);
        Path second = SymbolStore.add(root, AMDPPM);

        assertEquals(first, second);
        try (var files = Files.walk(root)) {
            assertEquals(1, files.filter(Files::isRegularFile).count());
        }
    }

    @Test
    void addRefusesAFileThatIsNotAnImage() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.sys"), "not a driver");

        PeFormatException e = assertThrows(PeFormatException.class, () -> SymbolStore.add(dir.resolve("s"), text));

        assertTrue(e.getMessage().contains("not a PE image"), e.getMessage());
    }

    @Test
    void aSymbolServerIsAskedByKeyAndWhatItSendsIsCached() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        List<String> paths = new ArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/symbols", exchange -> {
            requests.incrementAndGet();
            paths.add(exchange.getRequestURI().getPath());
            Path file = FIXTURES.resolve(exchange.getRequestURI().getPath().substring("/symbols/".length()));
            if (Files.isRegularFile(file)) {
                byte[] body = Files.readAllBytes(file);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            } else {
                exchange.sendResponseHeaders(404, -1);
            }
            exchange.close();
        });
        server.start();
        try {
            Path cache = dir.resolve("cache");
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/symbols";

            Optional<Path> first = store("srv*" + cache + "*" + url).image("amdppm.sys", AMDPPM_STAMP, AMDPPM_SIZE);
            Optional<Path> second = store("srv*" + cache + "*" + url).image("amdppm.sys", AMDPPM_STAMP, AMDPPM_SIZE);

            assertEquals(Optional.of(cache.resolve("amdppm.sys/C9C030003B000/amdppm.sys")), first);
            assertEquals(first, second);
            assertEquals(List.of("/symbols/amdppm.sys/C9C030003B000/amdppm.sys"), paths, "the second came from cache");
            assertEquals(-1, Files.mismatch(AMDPPM, first.get()));
            assertEquals(List.of(), warnings);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aSymbolServerThatDoesNotAnswerIsOneWarningAndNoImage() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        SymbolStore store = store("srv*" + dir.resolve("cache") + "*http://127.0.0.1:" + port + "/symbols");

        assertEquals(Optional.empty(), store.image("amdppm.sys", AMDPPM_STAMP, AMDPPM_SIZE));
        assertEquals(Optional.empty(), store.image("Wdf01000.sys", 0xA9A9D36EL, 0xD1000));

        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("symbol server http://127.0.0.1:" + port + "/symbols did not answer"),
                warnings.get(0));
    }

    @Test
    void aSymbolPathHasDirectoriesAndServersWithTheirCaches() {
        SymbolPath p = SymbolPath.parse("C:\\symbols;srv*C:\\cache*https://msdl.microsoft.com/download/symbols;"
                + "srv*https://example.test/s", Path.of("/home/u/.xidlab/symbols"));

        assertEquals(List.of(new SymbolPath.Local(Path.of("C:\\symbols")),
                new SymbolPath.Local(Path.of("C:\\cache")),
                new SymbolPath.Server(Path.of("C:\\cache"), URI.create("https://msdl.microsoft.com/download/symbols")),
                new SymbolPath.Local(Path.of("/home/u/.xidlab/symbols")),
                new SymbolPath.Server(Path.of("/home/u/.xidlab/symbols"), URI.create("https://example.test/s"))),
                p.locations());
    }

    @Test
    void aBareUrlInASymbolPathIsRefusedWithTheEntry() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SymbolPath.parse("https://msdl.microsoft.com/download/symbols", dir));

        assertTrue(e.getMessage().contains("srv*CACHE*URL"), e.getMessage());
    }
}
