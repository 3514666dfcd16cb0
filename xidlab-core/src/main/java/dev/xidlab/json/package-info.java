/**
 * The one JSON mapper every machine-readable output and results file is written with.
 *
 * <p>Uses nothing of xidlab.
 */
package dev.xidlab.json;
