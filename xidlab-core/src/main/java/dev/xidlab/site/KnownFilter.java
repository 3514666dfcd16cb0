package dev.xidlab.site;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * A file-system filter of a common product, from Microsoft's allocated altitudes (the table
 * {@code known-filters.tsv}, which cites the revision).
 *
 * @param product xidlab's short note of what it belongs to; empty when the list names only the company
 */
public record KnownFilter(String module, BigDecimal altitude, String company, Optional<String> product) {

    /** The load order group its altitude lies in. */
    public FilterGroup group() {
        return FilterGroup.of(altitude).orElseThrow(() -> new IllegalStateException(module + " at "
                + altitude.toPlainString() + " lies in no load order group"));
    }

    /** "Microsoft Defender Antivirus (Microsoft)", or the company alone. */
    public String owner() {
        return product.map(p -> p + " (" + company + ")").orElse(company);
    }
}
