package dev.xidlab.lab.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The one line a failed command is reported by. */
class CommandResultTest {

    @Test
    void aRubyExceptionFromVagrantIsReportedByItsMessageNotItsLastBacktraceFrame() {
        String stderr = "/usr/share/rubygems-integration/all/gems/fog-libvirt-0.9.0/lib/fog/libvirt/requests/compute/"
                + "vm_action.rb:7:in `create': Call to virDomainCreateWithFlags failed: internal error: process exited"
                + " while connecting to monitor (Libvirt::Error)\n"
                + "\tfrom /usr/share/rubygems-integration/all/gems/vagrant-2.3.4/lib/vagrant/action/warden.rb:48:in `call'\n"
                + "\tfrom /usr/share/rubygems-integration/all/gems/vagrant-2.3.4/lib/vagrant/batch_action.rb:86:in"
                + " `block (2 levels) in run'\n";

        String line = new CommandResult(1, "", stderr, false).lastErrorLine();

        assertEquals(true, line.contains("Call to virDomainCreateWithFlags failed"), line);
    }

    @Test
    void aCommandThatSaidNothingIsReportedByItsExitCode() {
        assertEquals("exit 7", new CommandResult(7, "", "  \n", false).lastErrorLine());
    }
}
