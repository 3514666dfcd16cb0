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

    Usage: xfclient REQUESTS RESPONSES. Exit 0 when every request was sent, 2
    when the device could not be opened, 3 on a bad request file.

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

    if (argc != 3) {
        fprintf(stderr, "usage: xfclient REQUESTS RESPONSES\n");
        return 3;
    }
    requests = fopen(argv[1], "rb");
    responses = fopen(argv[2], "wb");
    if (requests == NULL || responses == NULL) {
        fprintf(stderr, "xfclient: cannot open %s or %s\n", argv[1], argv[2]);
        return 3;
    }
    device = XfOpenDevice();
    if (device == INVALID_HANDLE_VALUE) {
        fprintf(stderr, "xfclient: cannot open \\\\.\\XidFilter: error %lu\n", GetLastError());
        return 2;
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
