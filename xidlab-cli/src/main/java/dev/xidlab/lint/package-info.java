/**
 * {@code xidlab driver lint}: the paging-path re-entry found in a minifilter's binary, before any VM runs.
 *
 * <p>From the PE alone, without symbols: the constant {@code FLT_REGISTRATION} and its operation table are found by
 * their shape and the base relocations in them ({@link dev.xidlab.lint.RegistrationFinder}); each read and write
 * callback registered without {@code FLTFL_OPERATION_REGISTRATION_SKIP_PAGING_IO} is followed through direct calls,
 * tail jumps and import-table calls to a fixed point ({@link dev.xidlab.lint.CallGraph}, over the small
 * {@link dev.xidlab.lint.X64Decoder}); and the rules ({@link dev.xidlab.lint.Rule}) say what it reaches: an import
 * that may fault on pageable memory (the documented list in {@code risky-imports.txt}), pageable code, or a call
 * that cannot be followed. {@link dev.xidlab.lint.DriverLint} is the entry; {@link dev.xidlab.lint.Sarif} writes
 * SARIF 2.1.0 for code-scanning dashboards.
 */
package dev.xidlab.lint;
