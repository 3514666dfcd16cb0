; The KVM probe: a boot sector that does what every guest OS does in its first second and that some KVMs
; cannot (a paravirtual KVM that runs only specially built guest kernels fails the interrupt return with a
; 'KVM internal error ... emulation failure'): real mode -> protected mode -> long mode with 4-level paging,
; an interrupt through an IDT and its iretq, then 0x31 to QEMU's isa-debug-exit port, so QEMU exits 99.
; Assembled with: nasm -f bin -o kvm-probe.img kvm-probe.asm
; Boot sector: real mode -> protected mode -> long mode (4-level paging, 2 MiB page), then out 0x31 to isa-debug-exit.
bits 16
org 0x7c00
    cli
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, 0x7c00
    ; page tables at 0x1000 (PML4), 0x2000 (PDPT), 0x3000 (PD)
    mov di, 0x1000
    mov cx, 0x1800          ; 3 pages of words
    rep stosw
    mov dword [0x1000], 0x2003
    mov dword [0x2000], 0x3003
    mov dword [0x3000], 0x0083   ; 2 MiB page at 0, present+writable+PS
    lgdt [gdtr]
    mov eax, cr4
    or eax, 1 << 5          ; PAE
    mov cr4, eax
    mov eax, 0x1000
    mov cr3, eax
    mov ecx, 0xC0000080     ; EFER
    rdmsr
    or eax, 1 << 8          ; LME
    wrmsr
    mov eax, cr0
    or eax, 0x80000001      ; PG | PE
    mov cr0, eax
    jmp 0x08:long_mode
bits 64
long_mode:
    ; an interrupt and its return, as every OS takes thousands a second: vector 0x40 -> handler -> iretq
    mov rax, handler
    mov rdi, 0x4400             ; IDT at 0x4000, entry 0x40 at +0x400
    mov word [rdi], ax
    mov word [rdi + 2], 0x08
    mov word [rdi + 4], 0x8E00
    shr rax, 16
    mov word [rdi + 6], ax
    mov dword [rdi + 8], 0
    mov dword [rdi + 12], 0
    lidt [idtr]
    int 0x40
    mov al, 0x31
    out 0xf4, al
.halt:
    hlt
    jmp .halt
handler:
    iretq
align 8
idtr:
    dw 0x0fff
    dq 0x4000
gdt:
    dq 0
    dq 0x00209A0000000000   ; 64-bit code
gdtr:
    dw gdtr - gdt - 1
    dd gdt
times 510 - ($ - $$) db 0
dw 0xAA55
