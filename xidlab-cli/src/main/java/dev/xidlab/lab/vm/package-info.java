/**
 * {@code --lab vagrant}: a virtual machine driven through Vagrant and libvirt: the box and its environment, the
 * site check, the guest session, the run watch and the crash outcome with its evidence.
 *
 * <p>Uses lab, lab.runner, device, load, protocol, crash, dump, site and symbols.
 */
package dev.xidlab.lab.vm;
