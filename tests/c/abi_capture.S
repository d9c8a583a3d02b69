/* Capture stubs for the `abi_vs_gcc` test: what a System V x86-64 call leaves in registers and
 * on the stack, as the C compiler placed it.
 *
 * ctypes_abi_capture_args: called (through a cast) with any argument list. Saves rdi, rsi, rdx,
 * rcx, r8, r9, rax, then xmm0..xmm7 (16 bytes each), then the address of the stack area (the
 * stack pointer at the call) into ctypes_abi_regs, and the caller's outgoing stack area (from
 * the return address up, CTYPES_ABI_STACK bytes) into ctypes_abi_stack. Returns nothing.
 *
 * ctypes_abi_capture_result(fn, hidden): calls fn() with rdi = hidden, then saves rax, rdx,
 * xmm0, xmm1 (16 bytes each) into ctypes_abi_result and the x87 state (fxsave) into
 * ctypes_abi_fx, and empties the x87 stack.
 */
#define CTYPES_ABI_STACK 1024

    .text
    .globl ctypes_abi_capture_args
    .type ctypes_abi_capture_args, @function
ctypes_abi_capture_args:
    movq %rdi, ctypes_abi_regs+0(%rip)
    movq %rsi, ctypes_abi_regs+8(%rip)
    movq %rdx, ctypes_abi_regs+16(%rip)
    movq %rcx, ctypes_abi_regs+24(%rip)
    movq %r8, ctypes_abi_regs+32(%rip)
    movq %r9, ctypes_abi_regs+40(%rip)
    movq %rax, ctypes_abi_regs+48(%rip)
    movdqu %xmm0, ctypes_abi_regs+56(%rip)
    movdqu %xmm1, ctypes_abi_regs+72(%rip)
    movdqu %xmm2, ctypes_abi_regs+88(%rip)
    movdqu %xmm3, ctypes_abi_regs+104(%rip)
    movdqu %xmm4, ctypes_abi_regs+120(%rip)
    movdqu %xmm5, ctypes_abi_regs+136(%rip)
    movdqu %xmm6, ctypes_abi_regs+152(%rip)
    movdqu %xmm7, ctypes_abi_regs+168(%rip)
    leaq 8(%rsp), %r11
    movq %r11, ctypes_abi_regs+184(%rip)
    leaq 8(%rsp), %rsi
    leaq ctypes_abi_stack(%rip), %rdi
    movl $(CTYPES_ABI_STACK / 8), %ecx
    rep movsq
    ret
    .size ctypes_abi_capture_args, .-ctypes_abi_capture_args

    .globl ctypes_abi_capture_result
    .type ctypes_abi_capture_result, @function
ctypes_abi_capture_result:
    pushq %rbx
    movq %rdi, %rax
    movq %rsi, %rdi
    call *%rax
    movq %rax, ctypes_abi_result+0(%rip)
    movq %rdx, ctypes_abi_result+8(%rip)
    movdqu %xmm0, ctypes_abi_result+16(%rip)
    movdqu %xmm1, ctypes_abi_result+32(%rip)
    fxsave ctypes_abi_fx(%rip)
    fninit
    popq %rbx
    ret
    .size ctypes_abi_capture_result, .-ctypes_abi_capture_result

    .bss
    .globl ctypes_abi_regs, ctypes_abi_stack, ctypes_abi_result, ctypes_abi_fx
    .align 64
ctypes_abi_regs:
    .zero 192
    .align 64
ctypes_abi_stack:
    .zero CTYPES_ABI_STACK
    .align 64
ctypes_abi_result:
    .zero 48
    .align 64
ctypes_abi_fx:
    .zero 512

    .section .note.GNU-stack,"",@progbits
