/**
 * What the agent and the user's CLI share: exit codes, the sealed {@link dev.xidlab.command.CommandError}, the
 * option mixins, command groups, --version, text-or-JSON commands and their output, the crash view, and opening the
 * guest-side labs (sim, standin, local).
 * May use the core and guest-side lab packages and picocli; never cli, agent, lab.vm, lab.runner, report, matrix or lint.
 */
package dev.xidlab.command;
