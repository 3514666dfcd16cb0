package dev.xidlab.load;

import java.time.Duration;

/** When a stress run stops if the machine has not crashed: after so many operations or so much time. */
public record Budget(long operations, Duration time) {

    public Budget {
        if (operations < 0) {
            throw new IllegalArgumentException("operation budget must not be negative, not " + operations);
        }
        if (time != null && (time.isNegative() || time.isZero())) {
            throw new IllegalArgumentException("time budget must be positive, not " + time);
        }
        if (operations == 0 && time == null) {
            throw new IllegalArgumentException("a budget needs an operation count or a time");
        }
    }

    public static Budget ofOperations(long operations) {
        return new Budget(operations, null);
    }

    public static Budget ofTime(Duration time) {
        return new Budget(0, time);
    }
}
