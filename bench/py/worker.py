"""One Python engine (tf, torch or numpy) on one benchmark case, in its own process.

Started by bench/harness/runner.ts as `python worker.py '<json: engine, workload, spec, warmup, threads>'`;
speaks the same line protocol as bench/harness/child.ts: "ready" after set-up and warm-up, one "rep" per
"rep" line read on stdin, and the peak RSS on "end". The workload's Python side is
bench/py/workloads/<workload>.py, with one function per engine, `tf(spec)`, `torch(spec)`, `numpy(spec)`,
each returning the step to time (a function of no arguments). Only the engine's own library is imported,
so the peak RSS is that library's.
"""
import importlib.util
import json
import os
import resource
import sys
import time

PREFIX = "@@bench "


class NotAvailable(Exception):
    """Raised by a workload when the engine cannot run the case (reported as n/a)."""


def say(msg):
    sys.stdout.write(PREFIX + json.dumps(msg) + "\n")
    sys.stdout.flush()


def setup_engine(engine, threads):
    """Pins the engine to `threads` threads and returns its version."""
    if engine == "torch":
        import torch

        torch.set_num_threads(threads)
        torch.set_num_interop_threads(1)
        return torch.__version__
    if engine == "tf":
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(1)
        import keras

        return f"{tf.__version__} / Keras {keras.__version__}"
    if engine == "numpy":
        import numpy as np

        return np.__version__
    raise NotAvailable(f"unknown python engine {engine}")


def load_workload(name):
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "workloads", f"{name}.py")
    if not os.path.exists(path):
        raise NotAvailable("no Python side for this workload")
    spec = importlib.util.spec_from_file_location(f"bench_workload_{name}", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    mod.NotAvailable = NotAvailable
    spec.loader.exec_module(mod)
    return mod


def timed(step):
    t0 = time.perf_counter()
    step()
    return (time.perf_counter() - t0) * 1000.0


def main():
    args = json.loads(sys.argv[1])
    engine, threads = args["engine"], int(args["threads"])
    try:
        mod = load_workload(args["workload"])
        make = getattr(mod, engine, None)
        if make is None:
            raise NotAvailable(getattr(mod, "MISSING", {}).get(engine, "not implemented"))
        version = setup_engine(engine, threads)
        step = make(args["spec"])
        warmup_ms = 0.0
        slow_ms = float(os.environ.get("DEEPTS_BENCH_SLOW_MS") or 5000)
        for i in range(max(1, int(args["warmup"]))):
            ms = timed(step)
            if i == 0:
                warmup_ms = ms
                if ms > slow_ms:
                    break
    except NotAvailable as e:
        say({"type": "na", "reason": str(e)})
        return
    except Exception as e:  # reported, not raised: one engine's failure must not stop the run
        say({"type": "error", "message": f"{type(e).__name__}: {e}"[:400]})
        return
    say({"type": "ready", "warmupMs": warmup_ms, "version": version, "threads": threads})
    for line in sys.stdin:
        cmd = line.strip()
        if cmd == "rep":
            try:
                say({"type": "rep", "ms": timed(step)})
            except Exception as e:
                say({"type": "error", "message": f"{type(e).__name__}: {e}"[:400]})
                return
        elif cmd == "end":
            say({"type": "end", "maxRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024})
            return


if __name__ == "__main__":
    main()
