/**
 * How the VM lab runs host programs (vagrant, virsh): as a process on this host or in a container.
 *
 * <p>Uses lab (its errors).
 */
package dev.xidlab.lab.runner;
