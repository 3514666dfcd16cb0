/*++

Module Name:

    xf_registry.c

Abstract:

    The configuration in the service key: Parameters\Config (REG_BINARY, an
    XF_CONFIG) and Parameters\LoadCount (REG_DWORD). DriverEntry reads them;
    set-config writes Config; every load writes LoadCount.

Environment:

    Kernel mode, PASSIVE_LEVEL.

--*/

#include "xf_driver.h"

static NTSTATUS XfOpenParameters(_Out_ PHANDLE Key);

#ifdef ALLOC_PRAGMA
#pragma alloc_text(PAGE, XfOpenParameters)
#pragma alloc_text(PAGE, XfReadServiceKey)
#pragma alloc_text(PAGE, XfWriteServiceConfig)
#pragma alloc_text(PAGE, XfWriteLoadCount)
#endif

static NTSTATUS
XfOpenParameters(
    _Out_ PHANDLE Key
    )
/*++

Routine Description:

    Opens (creating it if needed) <service key>\Parameters.

--*/
{
    OBJECT_ATTRIBUTES attributes;
    UNICODE_STRING parametersName = RTL_CONSTANT_STRING(L"Parameters");
    HANDLE service;
    NTSTATUS status;

    PAGED_CODE();

    InitializeObjectAttributes(&attributes, &XfData.ServiceKey, OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, NULL,
                               NULL);
    status = ZwOpenKey(&service, KEY_ALL_ACCESS, &attributes);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    InitializeObjectAttributes(&attributes, &parametersName, OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, service,
                               NULL);
    status = ZwCreateKey(Key, KEY_ALL_ACCESS, &attributes, 0, NULL, REG_OPTION_NON_VOLATILE, NULL);
    ZwClose(service);
    return status;
}

NTSTATUS
XfReadServiceKey(
    _Out_ XF_CONFIG *Config,
    _Out_ BOOLEAN *HaveConfig,
    _Out_ ULONG *LoadCount
    )
{
    UNICODE_STRING configName = RTL_CONSTANT_STRING(L"Config");
    UNICODE_STRING countName = RTL_CONSTANT_STRING(L"LoadCount");
    UCHAR buffer[FIELD_OFFSET(KEY_VALUE_PARTIAL_INFORMATION, Data) + sizeof(XF_CONFIG)];
    PKEY_VALUE_PARTIAL_INFORMATION value = (PKEY_VALUE_PARTIAL_INFORMATION)buffer;
    ULONG length;
    HANDLE key;
    NTSTATUS status;

    PAGED_CODE();

    *HaveConfig = FALSE;
    *LoadCount = 0;
    status = XfOpenParameters(&key);
    if (!NT_SUCCESS(status)) {
        return status;
    }

    status = ZwQueryValueKey(key, &configName, KeyValuePartialInformation, value, sizeof(buffer), &length);
    if (NT_SUCCESS(status) && value->Type == REG_BINARY && value->DataLength == sizeof(XF_CONFIG)) {
        RtlCopyMemory(Config, value->Data, sizeof(XF_CONFIG));
        *HaveConfig = TRUE;
    }
    status = ZwQueryValueKey(key, &countName, KeyValuePartialInformation, value, sizeof(buffer), &length);
    if (NT_SUCCESS(status) && value->Type == REG_DWORD && value->DataLength == sizeof(ULONG)) {
        *LoadCount = *(ULONG UNALIGNED *)value->Data;
    }
    ZwClose(key);
    return STATUS_SUCCESS;
}

NTSTATUS
XfWriteServiceConfig(
    _In_ const XF_CONFIG *Config
    )
{
    UNICODE_STRING configName = RTL_CONSTANT_STRING(L"Config");
    HANDLE key;
    NTSTATUS status;

    PAGED_CODE();

    status = XfOpenParameters(&key);
    if (NT_SUCCESS(status)) {
        status = ZwSetValueKey(key, &configName, 0, REG_BINARY, (PVOID)Config, sizeof(XF_CONFIG));
        ZwClose(key);
    }
    return status;
}

NTSTATUS
XfWriteLoadCount(
    _In_ ULONG LoadCount
    )
{
    UNICODE_STRING countName = RTL_CONSTANT_STRING(L"LoadCount");
    HANDLE key;
    NTSTATUS status;

    PAGED_CODE();

    status = XfOpenParameters(&key);
    if (NT_SUCCESS(status)) {
        status = ZwSetValueKey(key, &countName, 0, REG_DWORD, &LoadCount, sizeof(LoadCount));
        ZwClose(key);
    }
    return status;
}
