package dev.xidlab.lint;

import dev.xidlab.testing.ExternalCommand;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A driver image's code as binutils' objdump disassembles it: every instruction of its code sections. Test code. */
record ObjdumpListing(List<ObjdumpListing.Line> instructions) {

    static final String OBJDUMP = "x86_64-w64-mingw32-objdump";

    /** One instruction: where it is loaded, how many bytes it has, and objdump's text of it. */
    record Line(long address, int length, String text) {
    }

    private static final Pattern START = Pattern.compile("^\\s*([0-9a-f]+):\\t([0-9a-f ]+)\\t(.*)$");
    private static final Pattern MORE = Pattern.compile("^\\s*([0-9a-f]+):\\t([0-9a-f ]+)$");

    static ObjdumpListing of(Path image) throws IOException, InterruptedException {
        // -z: zero bytes are disassembled too, not elided as "..."
        ExternalCommand objdump = ExternalCommand.run(image.toAbsolutePath().getParent(),
                List.of(OBJDUMP, "-d", "-z", image.toString()));
        if (objdump.exitCode() != 0) {
            throw new AssertionError(OBJDUMP + " failed on " + image + ":\n" + objdump.output());
        }
        List<Line> lines = new ArrayList<>();
        long address = -1;
        int length = 0;
        String text = null;
        for (String l : objdump.output().lines().toList()) {
            Matcher start = START.matcher(l);
            Matcher more = MORE.matcher(l);
            if (start.matches()) {
                if (text != null) {
                    lines.add(new Line(address, length, text));
                }
                address = Long.parseUnsignedLong(start.group(1), 16);
                length = start.group(2).trim().split(" +").length;
                text = start.group(3).trim();
            } else if (more.matches() && text != null) {
                length += more.group(2).trim().split(" +").length;
            } else if (text != null) {
                lines.add(new Line(address, length, text));
                text = null;
            }
        }
        if (text != null) {
            lines.add(new Line(address, length, text));
        }
        return new ObjdumpListing(List.copyOf(lines));
    }
}
