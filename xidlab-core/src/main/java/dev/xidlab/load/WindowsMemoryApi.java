package dev.xidlab.load;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.BaseTSD;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.win32.StdCallLibrary;
import com.sun.jna.win32.W32APIOptions;

/** kernel32 calls the load needs with native buffers, which jna-platform's Kernel32 maps only to Java arrays. */
interface WindowsMemoryApi extends StdCallLibrary {

    static WindowsMemoryApi load() {
        return Native.load("kernel32", WindowsMemoryApi.class, W32APIOptions.DEFAULT_OPTIONS);
    }

    Pointer VirtualAlloc(Pointer address, BaseTSD.SIZE_T size, int allocationType, int protect);

    boolean VirtualFree(Pointer address, BaseTSD.SIZE_T size, int freeType);

    boolean ReadFile(WinNT.HANDLE file, Pointer buffer, int bytes, IntByReference done, Pointer overlapped);

    boolean WriteFile(WinNT.HANDLE file, Pointer buffer, int bytes, IntByReference done, Pointer overlapped);
}
