/*++

Module Name:

    xfclient.c

Abstract:

    A user-mode client for the Wine smoke test: it opens \\.\XidFilter and sends
    every request of a request file with DeviceIoControl, writing what came
    back to a response file, so the Java codec builds the requests and reads the
    answers of the real driver binary.

      request frame:  ULONG Code, ULONG InputLength, ULONG OutputCapacity, input bytes
      response frame: ULONG Code, ULONG Win32Error (0: success), ULONG BytesReturned, output bytes

    Usage: xfclient REQUESTS RESPONSES
           xfclient --hold REQUESTS RESPONSES READY GO
    With --hold it opens the device, creates the file READY, waits (up to two
    minutes) for the file GO to appear, and only then sends the requests on the
    handle it kept open: the smoke test stops the driver in between, to see
    what a handle that outlived the unload gets. Exit 0 when every request was
    sent, 2 when the device could not be opened, 3 on a bad request file or
    argument, 4 when GO never appeared.

Environment:

    User mode (mingw-w64, run under Wine or Windows).

--*/

#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

#define XF_MAX_BUFFER   4096

static HANDLE
XfOpenDevice(
    void
    )
{
    HANDLE device = INVALID_HANDLE_VALUE;
    int attempt;

    //
    //  The device can appear a moment after "sc start" returns.
    //
    for (attempt = 0; attempt < 100 && device == INVALID_HANDLE_VALUE; attempt++) {
        device = CreateFileW(L"\\\\.\\XidFilter", GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
        if (device == INVALID_HANDLE_VALUE) {
            Sleep(100);
        }
    }
    return device;
}

static int
XfWaitForFile(
    const char *Path
    )
{
    int attempt;

    for (attempt = 0; attempt < 1200; attempt++) {
        if (GetFileAttributesA(Path) != INVALID_FILE_ATTRIBUTES) {
            return 1;
        }
        Sleep(100);
    }
    return 0;
}

int
main(
    int argc,
    char **argv
    )
{
    static unsigned char input[XF_MAX_BUFFER];
    static unsigned char output[XF_MAX_BUFFER];
    unsigned long header[3];
    FILE *requests;
    FILE *responses;
    HANDLE device;
    int sent = 0;

    int hold = argc == 6 && strcmp(argv[1], "--hold") == 0;
    int first = hold ? 2 : 1;

    if (argc != 3 && !hold) {
        fprintf(stderr, "usage: xfclient [--hold] REQUESTS RESPONSES [READY GO]\n");
        return 3;
    }
    requests = fopen(argv[first], "rb");
    responses = fopen(argv[first + 1], "wb");
    if (requests == NULL || responses == NULL) {
        fprintf(stderr, "xfclient: cannot open %s or %s\n", argv[first], argv[first + 1]);
        return 3;
    }
    device = XfOpenDevice();
    if (device == INVALID_HANDLE_VALUE) {
        fprintf(stderr, "xfclient: cannot open \\\\.\\XidFilter: error %lu\n", GetLastError());
        return 2;
    }
    if (hold) {
        FILE *ready = fopen(argv[4], "wb");

        if (ready == NULL) {
            fprintf(stderr, "xfclient: cannot create %s\n", argv[4]);
            return 3;
        }
        fclose(ready);
        if (!XfWaitForFile(argv[5])) {
            fprintf(stderr, "xfclient: %s never appeared\n", argv[5]);
            return 4;
        }
    }

    while (fread(header, sizeof(unsigned long), 3, requests) == 3) {
        DWORD returned = 0;
        unsigned long reply[3];
        BOOL ok;

        if (header[1] > XF_MAX_BUFFER || header[2] > XF_MAX_BUFFER ||
            fread(input, 1, header[1], requests) != header[1]) {
            fprintf(stderr, "xfclient: bad request frame %d\n", sent);
            return 3;
        }
        memset(output, 0xCC, sizeof(output));
        ok = DeviceIoControl(device, header[0], header[1] ? input : NULL, header[1],
                             header[2] ? output : NULL, header[2], &returned, NULL);
        reply[0] = header[0];
        reply[1] = ok ? 0 : GetLastError();
        reply[2] = ok ? returned : 0;
        fwrite(reply, sizeof(unsigned long), 3, responses);
        fwrite(output, 1, reply[2], responses);
        sent++;
    }

    CloseHandle(device);
    fclose(requests);
    fclose(responses);
    printf("xfclient: %d requests sent\n", sent);
    return 0;
}
