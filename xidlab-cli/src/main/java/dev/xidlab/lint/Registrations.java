package dev.xidlab.lint;

import java.util.List;

/** What the search for a driver's filter registration found. */
public sealed interface Registrations {

    /** One or more constant FLT_REGISTRATIONs. */
    record Found(List<FilterRegistration> registrations) implements Registrations {
        public Found {
            registrations = List.copyOf(registrations);
        }
    }

    /** The driver imports FltRegisterFilter but no constant registration is in it: one built at run time. */
    record NotFoundStatically() implements Registrations {
    }

    /** The image does not import FltRegisterFilter: not a minifilter, nothing to check. */
    record NotAMinifilter() implements Registrations {
    }
}
