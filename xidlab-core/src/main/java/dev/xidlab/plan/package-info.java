/**
 * The plan of a matrix: which configurations, how many runs, which load, model and site, read from YAML or JSON
 * and written back; the first step of the data flow.
 *
 * <p>Uses lab (its names), device, load, protocol, site, dump and io.
 */
package dev.xidlab.plan;
