package dev.xidlab.load;

/** The share of each file operation in a load, in percent; they add up to 100. */
public record OperationMix(int createPercent, int readPercent, int writePercent) {

    public OperationMix {
        if (createPercent < 0 || readPercent < 0 || writePercent < 0
                || createPercent + readPercent + writePercent != 100) {
            throw new IllegalArgumentException("operation mix must be three shares adding up to 100, not "
                    + createPercent + "/" + readPercent + "/" + writePercent);
        }
    }

    /** A file-server-like mix: mostly reads. */
    public static OperationMix typical() {
        return new OperationMix(20, 60, 20);
    }

    /** Parses "CREATE/READ/WRITE" percentages, e.g. "20/60/20". */
    public static OperationMix parse(String text) {
        String[] parts = text.trim().split("/");
        if (parts.length != 3) {
            throw new IllegalArgumentException("operation mix must be CREATE/READ/WRITE percentages such as 20/60/20,"
                    + " not '" + text + "'");
        }
        try {
            return new OperationMix(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()),
                    Integer.parseInt(parts[2].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("operation mix must be whole percentages such as 20/60/20, not '"
                    + text + "'");
        }
    }

    /**
     * "CREATE/READ/WRITE", as {@link #parse} reads it. Not toString: the record's toString is part of a plan's
     * fingerprint, and changing it would make every earlier results file refuse to resume.
     */
    public String label() {
        return createPercent + "/" + readPercent + "/" + writePercent;
    }
}
