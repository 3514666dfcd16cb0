/**
 * Windows crash dump files as bytes: the headers, the physical memory, the triage data, the loaded modules, the
 * context records; one reader for kernel, complete and small dumps.
 *
 * <p>Uses unwind (virtual memory), symbols and io.
 */
package dev.xidlab.dump;
