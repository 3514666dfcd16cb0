/**
 * {@code --lab sim} and {@code --lab standin}: the kernel model as the lab, and inside the VM lab's stand-in
 * guest the model that panics the guest's real kernel when it bugchecks.
 *
 * <p>Uses lab, device and load.
 */
package dev.xidlab.lab.sim;
