/**
 * Crash reading: what a dump and the event log say about a crash (the bugcheck, the overflowed stack, the
 * recursion in it, the module that recursed), and the scan of a crash directory.
 *
 * <p>Uses dump, unwind, symbols and io.
 */
package dev.xidlab.crash;
