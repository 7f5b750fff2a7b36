# krust-pm's death-signal: asks the kernel for SIGKILL when its parent thread exits (prctl PR_SET_PDEATHSIG), then
# execs argv[1] with argv[1..] and the same environment; a failed prctl exits 125, a failed exec 127, each with one
# line on stderr. Static, no libc: what `setpriv --pdeathsig KILL --` does, at a fraction of its exec's cost.
.intel_syntax noprefix
.global _start
.text
_start:
    mov edi, 1                  # PR_SET_PDEATHSIG
    mov esi, 9                  # SIGKILL
    mov eax, 157                # prctl
    syscall
    test eax, eax
    jnz prctl_failed
    mov rcx, [rsp]              # argc
    lea rsi, [rsp+16]           # &argv[1]
    mov rdi, [rsi]
    lea rdx, [rsp+rcx*8+16]     # envp, after argv's NULL
    mov eax, 59                 # execve
    syscall
    lea rsi, [rip+exec_message]
    mov edx, OFFSET exec_length
    mov r12d, 127
    jmp fail
prctl_failed:
    lea rsi, [rip+prctl_message]
    mov edx, OFFSET prctl_length
    mov r12d, 125
fail:
    mov edi, 2
    mov eax, 1                  # write
    syscall
    mov edi, r12d
    mov eax, 231                # exit_group
    syscall
prctl_message:
    .ascii "krust-pm: cannot set the program's parent-death signal\n"
    .set prctl_length, . - prctl_message
exec_message:
    .ascii "krust-pm: cannot execute the program\n"
    .set exec_length, . - exec_message
