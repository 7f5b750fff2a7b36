# krust-pm's cgroup-enter: writes "0" to argv[1] (an instance cgroup's cgroup.procs, which moves this process into
# that cgroup), then execs argv[2] with argv[2..] and the same environment. A failed move exits 125, a failed exec
# 127, each with one line on stderr. Static, no libc: its exec costs a fraction of a shell's.
.intel_syntax noprefix
.global _start
.text
_start:
    mov rdi, [rsp+16]           # argv[1]
    mov esi, 0x80001            # O_WRONLY | O_CLOEXEC
    mov eax, 2                  # open
    syscall
    test eax, eax
    js move_failed
    mov edi, eax
    lea rsi, [rip+zero]
    mov edx, 1
    mov eax, 1                  # write
    syscall
    cmp rax, 1
    jne move_failed
    mov rcx, [rsp]              # argc
    lea rsi, [rsp+24]           # &argv[2]
    mov rdi, [rsi]
    lea rdx, [rsp+rcx*8+16]     # envp, after argv's NULL
    mov eax, 59                 # execve
    syscall
    lea rsi, [rip+exec_message]
    mov edx, OFFSET exec_length
    mov r12d, 127
    jmp fail
move_failed:
    lea rsi, [rip+move_message]
    mov edx, OFFSET move_length
    mov r12d, 125
fail:
    mov edi, 2
    mov eax, 1                  # write
    syscall
    mov edi, r12d
    mov eax, 231                # exit_group
    syscall
zero:
    .ascii "0"
move_message:
    .ascii "krust-pm: cannot move the program into its instance's cgroup\n"
    .set move_length, . - move_message
exec_message:
    .ascii "krust-pm: cannot execute the program\n"
    .set exec_length, . - exec_message
