/**
 * The {@code xidlab} command line: one picocli class per command, the shared options, the exit codes, and the
 * choice of lab a user names ({@link dev.xidlab.cli.Labs}).
 *
 * <p>May use every other package; nothing uses it.
 */
package dev.xidlab.cli;
