package dev.xidlab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xidlab.plan.DefaultPlan;
import dev.xidlab.run.Records;
import dev.xidlab.run.RunRecord;
import dev.xidlab.verdict.Verdict;
import dev.xidlab.verdict.VerdictCalculator;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** report.html as a person sees it: rendered by a real browser (Debian's chromium), chart included. */
class ReportInBrowserTest {

    @TempDir
    Path dir;

    static Path chromium() {
        for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        return null;
    }

    private String chrome(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(chromium().toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--user-data-dir=" + dir.resolve("profile")));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(false).redirectError(
                ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "chromium finished");
        return out;
    }

    private Path report() throws Exception {
        List<RunRecord> runs = new ArrayList<>();
        for (int r = 0; r < 40; r++) {
            runs.add(Records.reentry("field", r));
            for (String fix : List.of("skip-paging-io", "requestor", "cached", "guard")) {
                runs.add(Records.survived(fix, r));
            }
        }
        ReportWriter.write(dir, VerdictCalculator.summarize(DefaultPlan.plan(), "sim", runs));
        return dir.resolve("report.html");
    }

    @Test
    void theBrowserLaysTheChartOutWithABarPerConfiguration() throws Exception {
        assumeTrue(chromium() != null, "chromium is not installed: the report was not rendered in a browser");
        String dom = chrome("--dump-dom", report().toUri().toString());

        assertTrue(dom.contains("<svg id=\"chart\""), "the chart is in the rendered page");
        assertEquals(5, dom.split("class=\"bar\"", -1).length - 1);
        assertTrue(dom.contains("Verdict: CONFIRMED"));
    }

    @Test
    void theRenderedChartShowsTheBaselinesBar() throws Exception {
        assumeTrue(chromium() != null, "chromium is not installed: the report was not rendered in a browser");
        Path png = dir.resolve("report.png");
        chrome("--window-size=1000,900", "--screenshot=" + png, report().toUri().toString());

        BufferedImage image = ImageIO.read(png.toFile());
        int red = 0;
        for (int y = 150; y < 400; y++) {
            for (int x = 200; x < 700; x++) {
                int rgb = image.getRGB(x, y);
                int r = (rgb >> 16) & 0xFF;
                int g = (rgb >> 8) & 0xFF;
                int b = rgb & 0xFF;
                if (r > 150 && g < 120 && b < 120) {
                    red++;
                }
            }
        }
        assertTrue(red > 5000, "the baseline's 100% bar is drawn (" + red + " red pixels)");
    }
}
