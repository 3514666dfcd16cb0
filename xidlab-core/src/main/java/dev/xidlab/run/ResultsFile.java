package dev.xidlab.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xidlab.json.Json;
import dev.xidlab.plan.Percent;
import dev.xidlab.plan.Plan;
import dev.xidlab.plan.PlanException;
import dev.xidlab.plan.Shard;
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

    /** Starts a new results file of a shard of the plan (or the whole), with its limits; refuses to overwrite one. */
    public static ResultsFile create(Path path, Plan plan, String lab, boolean adaptive, Shard shard)
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
                plan.modelOn(lab), shard.whole() ? null : shard.label(), plan.runs(),
                plan.threshold(), plan.maxCoverageLoss(), plan.chooseAmongFixes() ? Boolean.TRUE : null));
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

    /**
     * The plan's limits are those the results were planned with: a fixed matrix's runs per configuration (an
     * adaptive one's budget may grow, its bounds hold at every look), the threshold and the coverage loss allowed.
     * A header of an earlier version records none, and is taken at the plan's word.
     */
    public static void requireSameLimits(Path path, ResultsHeader header, Plan plan) throws PlanException {
        if (header.runs() != null && !header.adaptiveRuns() && header.runs() != plan.runs()) {
            throw new PlanException(path + " was planned with " + header.runs() + " runs per configuration, not "
                    + plan.runs() + ": a fixed matrix keeps the runs it planned, as its exact bounds hold for that"
                    + " number only (runs added after looking at a result are another look); for more runs start a"
                    + " new matrix (another --report), or one with --adaptive, whose bounds hold at every look");
        }
        boolean sameThreshold = header.threshold() == null || header.threshold() == plan.threshold();
        boolean sameLoss = header.maxCoverageLoss() == null || header.maxCoverageLoss() == plan.maxCoverageLoss();
        if (!sameThreshold || !sameLoss) {
            throw new PlanException(path + " was planned with " + limits(sameThreshold ? plan.threshold()
                    : header.threshold(), sameLoss ? plan.maxCoverageLoss() : header.maxCoverageLoss()) + ", not "
                    + limits(plan.threshold(), plan.maxCoverageLoss())
                    + ": the limits a matrix was planned with are part of it, and its results are judged by them"
                    + " (drop --threshold and --max-coverage-loss, or run a new matrix with the limits you want)");
        }
        if (header.choosingAmongFixes() != plan.chooseAmongFixes()) {
            throw new PlanException(path + " was planned " + (header.choosingAmongFixes() ? "with" : "without")
                    + " --choose-among-fixes: its verdicts hold " + (header.choosingAmongFixes()
                    ? "for the fixes together" : "for each fix on its own") + ", and its results are judged that"
                    + " way (run a new matrix to judge them the other way)");
        }
    }

    private static String limits(double threshold, double maxCoverageLoss) {
        return "threshold " + Percent.of(threshold) + " and maximum coverage loss "
                + Percent.of(maxCoverageLoss);
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
                try {
                    header.slice();
                } catch (IllegalArgumentException e) {
                    throw new PlanException(path + " line 1: its shard '" + header.shard() + "' is not i/n");
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
