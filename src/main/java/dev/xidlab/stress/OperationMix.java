package dev.xidlab.stress;

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
}
