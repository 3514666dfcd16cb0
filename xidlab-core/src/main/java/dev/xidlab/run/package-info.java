/**
 * Runs of a plan: one run on a lab, its record with the telemetry and the crash it ended in, the results file
 * the records are appended to, and the progress shown while they run.
 *
 * <p>Uses plan, lab, device, protocol, crash, dump, symbols and json.
 */
package dev.xidlab.run;
