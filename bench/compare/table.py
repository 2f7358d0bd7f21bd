#!/usr/bin/env python3
"""Merges JMH and PyTorch results into bench/README.md: the Descent/PyTorch table between the COMPARISON markers
and the framework-overhead table (matmul against the raw library call, a step against its GEMMs) between the
OVERHEAD markers."""
import datetime
import glob
import json
import platform
import subprocess
import sys

out_dir, readme = sys.argv[1], sys.argv[2]


def jmh_key(r):
    p = r.get("params", {})
    name, method = r["benchmark"].split(".")[-2:]
    if name == "MatmulBenchmark" and method == "descent":
        return "%s|matmul/%s/%s" % (p["backend"], p["dtype"], p["shape"])
    if name == "KernelBenchmark":
        return "%s|kernel/%s/%s/%s" % (p["backend"], method, p["dtype"], p["size"])
    if name == "TrainingStepBenchmark":
        return "%s|step/%s/%s/%s" % (p["backend"], p["network"], p["dtype"], p["optimizer"])
    if name == "ConvBenchmark" and method == "convForwardBackward":
        return "%s|conv/%s/%s" % (p["backend"], p["layer"], p["dtype"])
    if name == "CnnStepBenchmark":
        return "%s|cnnstep/%s" % (p["backend"], p["dtype"])
    if name == "CnnLayerBenchmark":
        return "%s|cnnlayer/%s/%s" % (p["backend"], p["layer"], p["dtype"])
    if name == "LstmStepBenchmark":
        return "%s|lstmstep/%s" % (p["backend"], p["dtype"])
    if name == "EpochBenchmark":
        return "%s|epoch/FLOAT32" % p["backend"]
    return None


def micros(r):
    unit, score = r["primaryMetric"]["scoreUnit"], r["primaryMetric"]["score"]
    return score * {"us/op": 1, "ms/op": 1e3, "s/op": 1e6, "ns/op": 1e-3}[unit]


def replace_block(text, name, lines):
    start_marker, end_marker = "<!-- %s START -->" % name, "<!-- %s END -->" % name
    block = "\n".join([start_marker] + lines + [end_marker])
    start, end = text.find(start_marker), text.find(end_marker)
    if start >= 0 and end >= 0:
        return text[:start] + block + text[end + len(end_marker):]
    return text + "\n" + block + "\n"


def load(pattern):
    results = []
    for f in sorted(glob.glob(pattern)):
        results.extend(json.load(open(f)))
    return results


rows, torch_info, overhead = {}, {}, {}
for t in (1, 2):
    torch = json.load(open("%s/torch-%d.json" % (out_dir, t)))
    torch_info[t] = torch
    for r in load("%s/jmh-%d*.json" % (out_dir, t)):
        key = jmh_key(r)
        if key is None:
            continue
        backend, case = key.split("|")
        ref = torch["results"].get(case)
        rows.setdefault(case, {})["%s/%d" % (backend, t)] = (micros(r), ref)
    for r in load("%s/jmh-%d.json" % (out_dir, t)) + load("%s/overhead-%d.json" % (out_dir, t)):
        p = r.get("params", {})
        name, method = r["benchmark"].split(".")[-2:]
        if name == "MatmulBenchmark":
            overhead.setdefault(("matmul", p["backend"], p["dtype"], p["shape"], t), {})[method] = micros(r)
        elif name == "StepGemmsBenchmark":
            overhead.setdefault(("step", p["backend"], p["dtype"], p["network"], t), {})["gemms"] = micros(r)
        elif name == "TrainingStepBenchmark" and p["optimizer"] == "adam":
            overhead.setdefault(("step", p["backend"], p["dtype"], p["network"], t), {})["step"] = micros(r)
        elif name == "CnnStepBenchmark":
            overhead.setdefault(("step", p["backend"], p["dtype"], "cnn", t), {})["step"] = micros(r)

cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], capture_output=True,
                     text=True).stdout.strip()
lines = ["Run %s on %s (%s, %s), Java %s; PyTorch %s with %s. Cells: Descent time / PyTorch time at the same thread "
         "count (below 1 means Descent is faster), with Descent's time in microseconds."
         % (datetime.date.today(), cpu, platform.machine(), "2 cores", platform.java_ver()[0] or "17",
            torch_info[2]["torch"], "; ".join(torch_info[2]["blas"])),
         "",
         "| case | EJML 1 thread | EJML 2 threads | jBLAS 1 thread | jBLAS 2 threads |",
         "|---|---:|---:|---:|---:|"]
for case in sorted(rows):
    cells = []
    for col in ("ejml/1", "ejml/2", "jblas/1", "jblas/2"):
        v = rows[case].get(col)
        cells.append("" if v is None or v[1] is None else "%.2f (%.1f)" % (v[0] / v[1], v[0]))
    lines.append("| %s | %s |" % (case, " | ".join(cells)))

over = ["Same run. Matmul: the raw library call's time divided by Descent's (`a.matmul(b)`, a new output each call;"
        " `InPlace.matmul`, into an existing output), so 1 means no overhead and the target is at least 0.9."
        " Step: a training step (Adam) divided by the time of its GEMMs alone (`StepGemmsBenchmark`); the target"
        " for EJML is at most 1.2. Times in microseconds.",
        "",
        "| case | threads | raw or GEMMs | Descent | ratio | into | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|"]
for key in sorted(overhead):
    kind, backend, dtype, what, t = key
    v = overhead[key]
    if kind == "matmul" and {"raw", "descent", "descentInto"} <= v.keys():
        over.append("| matmul %s %s %s | %d | %.1f | %.1f | %.2f | %.1f | %.2f |" % (
            backend, dtype, what, t, v["raw"], v["descent"], v["raw"] / v["descent"], v["descentInto"],
            v["raw"] / v["descentInto"]))
    elif kind == "step" and {"gemms", "step"} <= v.keys():
        over.append("| step %s %s %s | %d | %.1f | %.1f | %.2f | | |" % (
            backend, dtype, what, t, v["gemms"], v["step"], v["step"] / v["gemms"]))

text = open(readme).read()
text = replace_block(text, "COMPARISON", lines)
text = replace_block(text, "OVERHEAD", over)
open(readme, "w").write(text)
