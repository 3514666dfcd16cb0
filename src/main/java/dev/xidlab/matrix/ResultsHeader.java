package dev.xidlab.matrix;

/** The first line of results.jsonl: which plan and lab the runs below belong to. */
public record ResultsHeader(String type, int format, String plan, String fingerprint, String lab, String created) {

    public static final int FORMAT = 1;
}
