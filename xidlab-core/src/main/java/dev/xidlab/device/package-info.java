/**
 * The driver as a {@link dev.xidlab.device.Device}: its control device through an IOCTL transport (Windows, the
 * kernel model over JNA), whatever carries the bytes.
 *
 * <p>Uses protocol (the wire contract) and load (the model runs the load it is given).
 */
package dev.xidlab.device;
