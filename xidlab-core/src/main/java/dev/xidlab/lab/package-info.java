/**
 * What a lab is: {@link dev.xidlab.lab.Lab} (boot, deploy the driver, run a load), how a run ended
 * ({@link dev.xidlab.lab.RunOutcome}), the load's report as guest and host share it
 * ({@link dev.xidlab.lab.LoadReport}), the lab names and the lab's errors.
 *
 * <p>Uses device, load and protocol; the labs themselves live beside it in lab.sim, lab.local and lab.vm.
 */
package dev.xidlab.lab;
