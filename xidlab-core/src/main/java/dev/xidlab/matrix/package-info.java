/**
 * A matrix from end to end: the plan's runs on a lab, each recorded as it ends, the verdict and the report, and
 * the merge of a matrix's shards.
 *
 * <p>Uses plan, run, verdict, report and lab.
 */
package dev.xidlab.matrix;
