/**
 * What runs inside a guest ({@link dev.xidlab.agent.Agent}): {@code driver serve} and {@code stress}.
 * May use dev.xidlab.command and the core and guest-side lab packages; never cli, lab.vm, lab.runner, report, matrix or lint.
 */
package dev.xidlab.agent;
