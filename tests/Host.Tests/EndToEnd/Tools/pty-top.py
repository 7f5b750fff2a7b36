# Runs `krust-pm top` in a real pseudo-terminal (80x24), as a person over SSH would: waits for the view, presses m
# (sort by memory), then q, and prints what the terminal received, then one line "exit N".
# Usage: python3 pty-top.py KRUST_PM [ARGS...]
import os, pty, sys, time, select

pid, fd = pty.fork()
if pid == 0:
    os.environ["TERM"] = "xterm-256color"
    os.environ["COLUMNS"] = "80"
    os.environ["LINES"] = "24"
    os.execv(sys.argv[1], [sys.argv[1], "top", *sys.argv[2:]])

received = b""


def drain(seconds, until=None):
    global received
    end = time.time() + seconds
    while time.time() < end and not (until and until in received):
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                received += os.read(fd, 65536)
            except OSError:
                return


drain(20, b"sorted by CPU")
os.write(fd, b"m")
drain(10, b"sorted by memory")
os.write(fd, b"q")
drain(10)
_, status = os.waitpid(pid, 0)
sys.stdout.write(received.decode("utf-8", "replace"))
print("\nexit", os.waitstatus_to_exitcode(status))
