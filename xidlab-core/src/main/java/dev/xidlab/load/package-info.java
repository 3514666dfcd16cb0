/**
 * The load a run puts on the machine: file I/O workers, process churn and memory pressure, with their budget.
 *
 * <p>Uses protocol.
 */
package dev.xidlab.load;
