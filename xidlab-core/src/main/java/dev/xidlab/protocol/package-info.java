/**
 * The wire contract between xidlab and the driver: IOCTL codes, the request and reply structs and their layout,
 * checked against the C header.
 *
 * <p>Uses nothing of xidlab.
 */
package dev.xidlab.protocol;
