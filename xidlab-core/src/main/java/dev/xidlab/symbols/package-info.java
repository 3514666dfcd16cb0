/**
 * PE images and PDBs: sections, exports, the symbol store and the search for the symbol nearest an address.
 *
 * <p>Uses nothing of xidlab.
 */
package dev.xidlab.symbols;
