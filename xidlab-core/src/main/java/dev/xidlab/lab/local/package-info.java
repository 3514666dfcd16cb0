/**
 * {@code --lab local}: this Windows machine as the lab (what the VM lab runs inside a Windows guest).
 *
 * <p>Uses lab, device and load.
 */
package dev.xidlab.lab.local;
