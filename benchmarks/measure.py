"""Run one command and print its CPU time and peak memory as one JSON line.

    python -m benchmarks.measure -- checkov -d cdk.out

Started as a small process of its own so that the peak resident size ``wait4`` reports is
the command's: a child forked from a large process (the benchmark after its in-process
scans) counts the parent's pages until it execs. CPU is user + system of the command and
of the children it waited for. The exit code is ignored (scanners exit 1 on findings).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys


def main() -> None:
    command = sys.argv[1:]
    if command[:1] == ["--"]:
        command = command[1:]
    if not command:
        raise SystemExit("usage: python -m benchmarks.measure -- COMMAND [ARG...]")
    with open(os.devnull, "wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=sink)
        _pid, _status, usage = os.wait4(process.pid, 0)
        process.returncode = 0  # reaped by wait4
    cpu = usage.ru_utime + usage.ru_stime
    print(json.dumps({"cpu_s": cpu, "mib": usage.ru_maxrss / 1024}), flush=True)


if __name__ == "__main__":
    main()
