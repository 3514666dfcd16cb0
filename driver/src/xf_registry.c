/*++

Module Name:

    xf_registry.c

Abstract:

    Where the configuration persists: Config (REG_BINARY, an XF_CONFIG) and
    LoadCount (REG_DWORD). DriverEntry reads them; set-config writes Config;
    every load writes LoadCount.

    They are state the driver writes at run time, and Windows documents the
    driver's Parameters key as immutable (provisioned by the INF), with
    DriverRegKeyPersistentState as the place for mutable state. So, as
    Microsoft's simrep sample does, IoOpenDriverRegistryKey is resolved at run
    time (Windows 10 1803 and later): where it exists and opens the
    persistent-state key, that key holds them; elsewhere (older kernels, Wine)
    the service key's Parameters subkey does, opened with ZwOpenKey. Each key
    is opened with the least access its use needs: KEY_READ to read,
    KEY_SET_VALUE to write (and KEY_CREATE_SUB_KEY on the service key, only to
    create a missing Parameters).

Environment:

    Kernel mode, PASSIVE_LEVEL.

--*/

#include "xf_driver.h"

//
//  DRIVER_REGKEY_TYPE's values (wdm.h of recent WDKs; not in mingw-w64's).
//
#define XF_DRIVER_REGKEY_PERSISTENT_STATE   1

//
//  A KEY_VALUE_PARTIAL_INFORMATION with room for the largest value read here,
//  aligned for the structure (and 8 bytes beyond).
//
typedef union _XF_VALUE_BUFFER {
    KEY_VALUE_PARTIAL_INFORMATION Info;
    ULONGLONG Alignment;
    UCHAR Bytes[FIELD_OFFSET(KEY_VALUE_PARTIAL_INFORMATION, Data) + sizeof(XF_CONFIG)];
} XF_VALUE_BUFFER;

static NTSTATUS XfOpenStateKey(_In_ ACCESS_MASK Access, _In_ BOOLEAN Create, _Out_ PHANDLE Key);
static NTSTATUS XfWriteStateValue(_In_z_ PCWSTR Name, _In_ ULONG Type, _In_reads_bytes_(Size) const VOID *Data,
                                  _In_ ULONG Size, _In_ BOOLEAN Flush);

#ifdef ALLOC_PRAGMA
#pragma alloc_text(INIT, XfResolveStateKey)
#pragma alloc_text(INIT, XfReadServiceKey)
#pragma alloc_text(INIT, XfReadImagePath)
#pragma alloc_text(PAGE, XfOpenStateKey)
#pragma alloc_text(PAGE, XfWriteStateValue)
#pragma alloc_text(PAGE, XfWriteServiceConfig)
#pragma alloc_text(PAGE, XfWriteLoadCount)
#endif

XF_INIT
VOID
XfResolveStateKey(
    VOID
    )
/*++

Routine Description:

    Decides, once per load, which key holds the configuration: the
    persistent-state key when IoOpenDriverRegistryKey exists and opens it,
    otherwise the service key's Parameters.

Arguments:

    None.

Return Value:

    None.

--*/
{
    HANDLE key;

    XfData.OpenDriverRegistryKey =
        (XF_OPEN_DRIVER_REGISTRY_KEY)(ULONG_PTR)XfSystemRoutine(L"IoOpenDriverRegistryKey");
    XfData.UsePersistentStateKey = FALSE;
    if (XfData.OpenDriverRegistryKey != NULL &&
        NT_SUCCESS(XfData.OpenDriverRegistryKey(XfData.DriverObject, XF_DRIVER_REGKEY_PERSISTENT_STATE,
                                                KEY_READ, 0, &key))) {
        ZwClose(key);
        XfData.UsePersistentStateKey = TRUE;
    }
}

XF_PAGED
static NTSTATUS
XfOpenStateKey(
    _In_ ACCESS_MASK Access,
    _In_ BOOLEAN Create,
    _Out_ PHANDLE Key
    )
/*++

Routine Description:

    Opens the key that holds the configuration.

Arguments:

    Access - KEY_READ or KEY_SET_VALUE.

    Create - Whether a missing Parameters subkey is created (for writes).

    Key - Receives the handle; the caller closes it.

Return Value:

    STATUS_SUCCESS, or why the key could not be opened.

--*/
{
    OBJECT_ATTRIBUTES attributes;
    UNICODE_STRING parametersName = RTL_CONSTANT_STRING(L"Parameters");
    HANDLE service;
    NTSTATUS status;

    PAGED_CODE();

    if (XfData.UsePersistentStateKey) {
        return XfData.OpenDriverRegistryKey(XfData.DriverObject, XF_DRIVER_REGKEY_PERSISTENT_STATE, Access, 0,
                                            Key);
    }
    if (XfData.ServiceKey.Buffer == NULL) {
        return STATUS_DELETE_PENDING;
    }

    InitializeObjectAttributes(&attributes, &XfData.ServiceKey, OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, NULL,
                               NULL);
    status = ZwOpenKey(&service, Create ? KEY_CREATE_SUB_KEY : KEY_READ, &attributes);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    InitializeObjectAttributes(&attributes, &parametersName, OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, service,
                               NULL);
    if (Create) {
        status = ZwCreateKey(Key, Access, &attributes, 0, NULL, REG_OPTION_NON_VOLATILE, NULL);
    } else {
        status = ZwOpenKey(Key, Access, &attributes);
    }
    ZwClose(service);
    return status;
}

XF_INIT
NTSTATUS
XfReadServiceKey(
    _Out_ XF_CONFIG *Config,
    _Out_ BOOLEAN *HaveConfig,
    _Out_ ULONG *LoadCount
    )
/*++

Routine Description:

    Reads the saved configuration and load count, either of which may be
    missing.

Arguments:

    Config - Receives the configuration when one is saved (unvalidated: the
        core validates it).

    HaveConfig - Receives whether one was.

    LoadCount - Receives the loads recorded so far (0 when none).

Return Value:

    STATUS_SUCCESS, or why the key could not be opened (a fresh install).

--*/
{
    UNICODE_STRING configName = RTL_CONSTANT_STRING(L"Config");
    UNICODE_STRING countName = RTL_CONSTANT_STRING(L"LoadCount");
    XF_VALUE_BUFFER value;
    ULONG length;
    HANDLE key;
    NTSTATUS status;

    *HaveConfig = FALSE;
    *LoadCount = 0;
    status = XfOpenStateKey(KEY_READ, FALSE, &key);
    if (!NT_SUCCESS(status)) {
        return status;
    }

    status = ZwQueryValueKey(key, &configName, KeyValuePartialInformation, &value, sizeof(value), &length);
    if (NT_SUCCESS(status) && value.Info.Type == REG_BINARY && value.Info.DataLength == sizeof(XF_CONFIG)) {
        RtlCopyMemory(Config, value.Info.Data, sizeof(XF_CONFIG));
        *HaveConfig = TRUE;
    }
    status = ZwQueryValueKey(key, &countName, KeyValuePartialInformation, &value, sizeof(value), &length);
    if (NT_SUCCESS(status) && value.Info.Type == REG_DWORD && value.Info.DataLength == sizeof(ULONG)) {
        RtlCopyMemory(LoadCount, value.Info.Data, sizeof(ULONG));
    }
    ZwClose(key);
    return STATUS_SUCCESS;
}

XF_INIT
NTSTATUS
XfReadImagePath(
    _Out_ PUNICODE_STRING ImagePath
    )
/*++

Routine Description:

    Reads the service key's ImagePath (REG_SZ or REG_EXPAND_SZ, unexpanded:
    the I/O manager does not expand it either).

Arguments:

    ImagePath - Receives the path in a buffer the caller frees with XfFree.

Return Value:

    STATUS_SUCCESS, or why it could not be read.

--*/
{
    UNICODE_STRING name = RTL_CONSTANT_STRING(L"ImagePath");
    OBJECT_ATTRIBUTES attributes;
    PKEY_VALUE_PARTIAL_INFORMATION value = NULL;
    ULONG length = 0;
    ULONG characters;
    HANDLE key;
    NTSTATUS status;

    RtlZeroMemory(ImagePath, sizeof(*ImagePath));
    InitializeObjectAttributes(&attributes, &XfData.ServiceKey, OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, NULL,
                               NULL);
    status = ZwOpenKey(&key, KEY_READ, &attributes);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    status = ZwQueryValueKey(key, &name, KeyValuePartialInformation, NULL, 0, &length);
    if (status == STATUS_BUFFER_TOO_SMALL || status == STATUS_BUFFER_OVERFLOW) {
        value = XfAllocateNonPaged(length);
        status = value == NULL ? STATUS_INSUFFICIENT_RESOURCES
                               : ZwQueryValueKey(key, &name, KeyValuePartialInformation, value, length, &length);
    }
    ZwClose(key);
    if (NT_SUCCESS(status) && (value->Type != REG_SZ && value->Type != REG_EXPAND_SZ)) {
        status = STATUS_OBJECT_TYPE_MISMATCH;
    }
    if (!NT_SUCCESS(status)) {
        if (value != NULL) {
            XfFree(value);
        }
        return NT_SUCCESS(status) ? STATUS_UNSUCCESSFUL : status;
    }

    //
    //  The value may or may not end with its terminator; the string stops at
    //  the first one.
    //
    characters = value->DataLength / sizeof(WCHAR);
    ImagePath->Buffer = XfAllocateNonPaged(characters * sizeof(WCHAR) + sizeof(WCHAR));
    if (ImagePath->Buffer == NULL || characters == 0 || characters > MAXUSHORT / sizeof(WCHAR) - 1) {
        if (ImagePath->Buffer != NULL) {
            XfFree(ImagePath->Buffer);
            ImagePath->Buffer = NULL;
        }
        XfFree(value);
        return STATUS_UNSUCCESSFUL;
    }
    RtlCopyMemory(ImagePath->Buffer, value->Data, characters * sizeof(WCHAR));
    XfFree(value);
    ImagePath->MaximumLength = (USHORT)(characters * sizeof(WCHAR) + sizeof(WCHAR));
    ImagePath->Length = 0;
    for (length = 0; length < characters && ImagePath->Buffer[length] != 0; length++) {
    }
    ImagePath->Length = (USHORT)(length * sizeof(WCHAR));
    return ImagePath->Length != 0 ? STATUS_SUCCESS : STATUS_UNSUCCESSFUL;
}

XF_PAGED
static NTSTATUS
XfWriteStateValue(
    _In_z_ PCWSTR Name,
    _In_ ULONG Type,
    _In_reads_bytes_(Size) const VOID *Data,
    _In_ ULONG Size,
    _In_ BOOLEAN Flush
    )
/*++

Routine Description:

    Sets one value in the key that holds the configuration, creating a
    missing Parameters subkey.

Arguments:

    Name - The value's name.

    Type - REG_BINARY or REG_DWORD.

    Data - The value.

    Size - Its size in bytes.

    Flush - Whether the key is flushed to the hive before returning.

Return Value:

    STATUS_SUCCESS, or why it could not be written.

--*/
{
    UNICODE_STRING name;
    HANDLE key;
    NTSTATUS status;

    PAGED_CODE();

    RtlInitUnicodeString(&name, Name);
    status = XfOpenStateKey(KEY_SET_VALUE, TRUE, &key);
    if (NT_SUCCESS(status)) {
        status = ZwSetValueKey(key, &name, 0, Type, (PVOID)Data, Size);
        if (NT_SUCCESS(status) && Flush) {
            status = ZwFlushKey(key);
        }
        ZwClose(key);
    }
    return status;
}

XF_PAGED
NTSTATUS
XfWriteServiceConfig(
    _In_ const XF_CONFIG *Config
    )
/*++

Routine Description:

    Persists the whole configuration (set-config, under XfPlatLock).

Arguments:

    Config - A validated configuration.

Return Value:

    STATUS_SUCCESS, or why it could not be written.

--*/
{
    PAGED_CODE();

    //
    //  Flushed: the configuration is what the next load runs with, and the
    //  next load usually follows the bugcheck this configuration provokes:
    //  the hive's lazy flush (seconds later) would not have happened.
    //
    return XfWriteStateValue(L"Config", REG_BINARY, Config, sizeof(XF_CONFIG), TRUE);
}

XF_PAGED
NTSTATUS
XfWriteLoadCount(
    _In_ ULONG LoadCount
    )
/*++

Routine Description:

    Records the number of loads, this one included.

Arguments:

    LoadCount - The count.

Return Value:

    STATUS_SUCCESS, or why it could not be written.

--*/
{
    PAGED_CODE();

    return XfWriteStateValue(L"LoadCount", REG_DWORD, &LoadCount, sizeof(LoadCount), FALSE);
}
