package dev.xidlab.plan;

import java.util.Locale;

/** A share as every text of xidlab writes it (one decimal, a percent sign), whatever the user's locale. */
public final class Percent {

    private Percent() {
    }

    public static String of(double share) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * share);
    }
}
