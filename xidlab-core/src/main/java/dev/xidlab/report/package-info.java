/**
 * The end of the data flow: the matrix's summary as report.md, report.html and the results table, and the report
 * directory a matrix writes into (held by one matrix at a time).
 *
 * <p>Uses verdict, run, plan, json and io.
 */
package dev.xidlab.report;
