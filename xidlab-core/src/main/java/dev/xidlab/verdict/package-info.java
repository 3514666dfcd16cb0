/**
 * The verdict of a matrix: the rules, the exact binomial and paired tests, coverage, and what each configuration
 * and the matrix are (REPRODUCED, CONFIRMED, ...), from the recorded runs.
 *
 * <p>Uses run, plan, site, protocol and json.
 */
package dev.xidlab.verdict;
