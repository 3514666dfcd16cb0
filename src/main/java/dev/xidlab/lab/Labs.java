package dev.xidlab.lab;

import java.util.Locale;

/** Opens the lab a user names: {@code sim} (the kernel model, default) or {@code vagrant} (a Windows VM). */
public final class Labs {

    public static final String SIM = "sim";
    public static final String VAGRANT = "vagrant";

    private Labs() {
    }

    /**
     * @throws IllegalArgumentException for an unknown name (a usage error)
     * @throws LabUnavailableException when the lab cannot run here (an environment error)
     */
    public static Lab open(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case SIM:
                return new SimLab();
            case VAGRANT:
                throw new LabUnavailableException("the Vagrant lab is not yet available in this build");
            default:
                throw new IllegalArgumentException("unknown lab '" + name + "' (expected sim or vagrant)");
        }
    }
}
