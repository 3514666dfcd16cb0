package dev.xidlab.matrix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xidlab.json.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * results.jsonl: a header line, then one line per finished run, each forced to disk before the next run starts.
 * Reading tolerates a last line cut short by a kill (it is dropped and that run is done again); a line that is
 * broken anywhere else, or a header of another plan or lab, is refused.
 */
public final class ResultsFile implements AutoCloseable {

    private static final ObjectMapper JSON = Json.lineMapper();

    private final Path path;
    private final FileChannel channel;

    private ResultsFile(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /** What a results file holds. */
    public record Contents(ResultsHeader header, List<RunRecord> runs, long validLength) {
    }

    /** Starts a new results file; refuses to overwrite one. */
    public static ResultsFile create(Path path, Plan plan, String lab, boolean adaptive)
            throws IOException, PlanException {
        if (Files.exists(path)) {
            throw new PlanException(path + " already exists: use --resume to continue it, or another --report"
                    + " directory");
        }
        Files.createDirectories(path.toAbsolutePath().getParent());
        ResultsFile file = new ResultsFile(path, FileChannel.open(path, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE));
        file.append(new ResultsHeader("header", ResultsHeader.FORMAT, plan.name(), plan.fingerprint(), lab,
                Instant.now().toString(), adaptive ? Boolean.TRUE : null,
                VerdictCalculator.modelOf(plan, lab)));
        return file;
    }

    /** Continues a results file of the same plan and lab; a cut-off last line is dropped first. */
    public static ResultsFile resume(Path path, Plan plan, String lab, Contents contents)
            throws IOException, PlanException {
        requireSame(path, contents.header(), plan, lab);
        FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE);
        channel.truncate(contents.validLength());
        channel.position(contents.validLength());
        return new ResultsFile(path, channel);
    }

    public static void requireSame(Path path, ResultsHeader header, Plan plan, String lab) throws PlanException {
        if (!header.fingerprint().equals(plan.fingerprint())) {
            throw new PlanException(path + " holds results of another plan ('" + header.plan() + "', fingerprint "
                    + header.fingerprint() + "; this plan is '" + plan.name() + "', " + plan.fingerprint()
                    + "): refusing to mix them");
        }
        if (!header.lab().equals(lab)) {
            throw new PlanException(path + " holds results from the " + header.lab() + " lab, not " + lab
                    + ": refusing to mix them");
        }
    }

    public static Contents read(Path path) throws IOException, PlanException {
        byte[] bytes = Files.readAllBytes(path);
        String text = new String(bytes, StandardCharsets.UTF_8);
        List<RunRecord> runs = new ArrayList<>();
        ResultsHeader header = null;
        long validLength = 0;
        int lineNumber = 0;
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                break;              // a line is written with its newline at once: without one it was cut by a kill
            }
            String line = text.substring(start, end);
            lineNumber++;
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (IOException e) {
                node = null;
            }
            if (node == null || !node.has("type")) {
                throw new PlanException(path + " line " + lineNumber + " is not a result record");
            }
            if (lineNumber == 1) {
                try {
                    header = JSON.treeToValue(node, ResultsHeader.class);
                } catch (IOException e) {
                    throw new PlanException(path + " line 1 is not an xidlab results header: " + rootMessage(e));
                }
                if (!"header".equals(header.type()) || header.format() != ResultsHeader.FORMAT) {
                    throw new PlanException(path + " line 1 is not an xidlab results header");
                }
            } else {
                try {
                    runs.add(JSON.treeToValue(node, RunRecord.class));
                } catch (IOException | IllegalArgumentException e) {
                    throw new PlanException(path + " line " + lineNumber + " is not a result record: "
                            + rootMessage(e));
                }
            }
            start = end + 1;
            validLength = text.substring(0, start).getBytes(StandardCharsets.UTF_8).length;
        }
        if (header == null) {
            throw new PlanException(path + " has no results header");
        }
        return new Contents(header, runs, validLength);
    }

    private static String rootMessage(Exception e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        String message = t instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage()
                : t.getMessage();
        return message == null ? t.toString() : message.lines().findFirst().orElse(message);
    }

    public void append(Object record) throws IOException {
        byte[] line = (JSON.writeValueAsString(record) + "\n").getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.wrap(line);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        channel.force(false);
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
