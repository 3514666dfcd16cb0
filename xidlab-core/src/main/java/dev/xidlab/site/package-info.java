/**
 * A customer's site: the machines' profiles from their crash data and the environment (filters, build, memory) a
 * plan stands for.
 *
 * <p>Uses crash, dump and device.
 */
package dev.xidlab.site;
