package dev.xidlab.device;

import com.sun.jna.WString;
import com.sun.jna.win32.StdCallLibrary;

/** fltlib.dll: the user-mode filter-manager API (what fltmc uses). Needs SeLoadDriverPrivilege. */
interface FilterManagerLibrary extends StdCallLibrary {

    /** HRESULT FilterLoad(LPCWSTR lpFilterName). */
    int FilterLoad(WString filterName);

    /** HRESULT FilterUnload(LPCWSTR lpFilterName). */
    int FilterUnload(WString filterName);
}
