#!/usr/bin/env python3
"""A small program for krust-pm to supervise: sleeps, then exits.

Usage: sleeper.py [SECONDS [EXIT_CODE]]   (defaults: 3600 seconds, exit code 0)
"""
import os
import signal
import sys
import time

seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3600
exit_code = int(sys.argv[2]) if len(sys.argv) > 2 else 0


def on_term(signum, _frame):
    print(f"sleeper {os.getpid()}: got signal {signum}, leaving", flush=True)
    sys.exit(0)


signal.signal(signal.SIGTERM, on_term)
print(f"sleeper {os.getpid()}: sleeping {seconds:g}s, then exiting with {exit_code}", flush=True)
time.sleep(seconds)
sys.exit(exit_code)
