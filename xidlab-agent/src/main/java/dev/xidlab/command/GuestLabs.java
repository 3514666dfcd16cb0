package dev.xidlab.command;

import dev.xidlab.device.ModelOptions;
import dev.xidlab.lab.Lab;
import dev.xidlab.lab.LabName;
import dev.xidlab.lab.local.LocalWindowsLab;
import dev.xidlab.lab.sim.SimLab;
import dev.xidlab.lab.sim.StandInGuestLab;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The labs that run where xidlab runs, without the VM lab: {@code sim} (the kernel model), {@code local} (this
 * Windows machine: what the VM lab runs in its guest) and {@code standin} (what it runs in its stand-in guest).
 */
public final class GuestLabs {

    private GuestLabs() {
    }

    /**
     * @throws IllegalArgumentException for a name that is not one of them (a usage error)
     */
    public static Lab open(String name, boolean allowStandIn, ModelOptions options) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case LabName.SIM -> new SimLab(options);
            case LabName.LOCAL -> new LocalWindowsLab(Path.of(System.getProperty("java.io.tmpdir"), "xidlab-scratch"));
            case LabName.STANDIN -> new StandInGuestLab(options);
            case LabName.VAGRANT -> throw new IllegalArgumentException("lab '" + name + "' runs from the host's"
                    + " xidlab, not inside a guest");
            default -> throw new IllegalArgumentException("unknown lab '" + name + "' " + LabName.EXPECTED);
        };
    }
}
