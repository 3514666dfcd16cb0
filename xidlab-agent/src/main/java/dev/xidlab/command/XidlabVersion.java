package dev.xidlab.command;

import dev.xidlab.protocol.Wire;
import picocli.CommandLine;

/**
 * {@code --version} of the user's CLI and of the guest's agent alike: the jar's implementation version and the wire
 * protocol it speaks, so a guest whose agent jar is older than the host's says so in the same words.
 */
public final class XidlabVersion implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        String version = XidlabVersion.class.getPackage().getImplementationVersion();
        return new String[] {
            "xidlab " + (version == null ? "(development build)" : version),
            "wire protocol " + Wire.PROTOCOL_VERSION
        };
    }
}
