/**
 * Stack walking over x64 and ARM64 function tables and unwind codes, on any virtual memory.
 *
 * <p>Uses symbols.
 */
package dev.xidlab.unwind;
