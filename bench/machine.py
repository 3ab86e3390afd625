"""How fast this machine runs plain Python, printed by every benchmark beside its figures.

The same code has measured two and a half times slower on one day than on the next here (shared machines):
a figure read without this one can pass or miss a target for the machine's sake alone.
"""

import time

STEPS = 10_000_000


def python_loop_seconds() -> float:
    """Seconds for a 10-million-step loop of additions, the best of three (the least disturbed)."""
    best = float("inf")
    for _ in range(3):
        started, total = time.perf_counter(), 0
        for step in range(STEPS):
            total += step
        best = min(best, time.perf_counter() - started)
    return round(best, 2)


def report() -> float:
    seconds = python_loop_seconds()
    print(f"machine: a 10-million-step Python loop takes {seconds:.2f} s (best of 3)", flush=True)
    return seconds
