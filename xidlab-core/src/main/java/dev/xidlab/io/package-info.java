/**
 * Input files a user names: opened once, refused with one line when they are not regular readable files.
 *
 * <p>Uses nothing of xidlab.
 */
package dev.xidlab.io;
