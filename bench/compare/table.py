#!/usr/bin/env python3
"""Merges JMH and PyTorch results into a markdown table in bench/README.md (between the COMPARISON markers)."""
import datetime
import json
import platform
import subprocess
import sys

out_dir, readme = sys.argv[1], sys.argv[2]


def jmh_key(r):
    p = r.get("params", {})
    name = r["benchmark"].split(".")[-2]
    if name == "MatmulBenchmark":
        return "%s|matmul/%s/%s" % (p["backend"], p["dtype"], p["shape"])
    if name == "KernelBenchmark":
        return "%s|kernel/%s/%s/%s" % (p["backend"], r["benchmark"].split(".")[-1], p["dtype"], p["size"])
    if name == "TrainingStepBenchmark":
        return "%s|step/%s/%s/%s" % (p["backend"], p["network"], p["dtype"], p["optimizer"])
    if name == "EpochBenchmark":
        return "%s|epoch/FLOAT32" % p["backend"]
    return None


def micros(r):
    unit, score = r["primaryMetric"]["scoreUnit"], r["primaryMetric"]["score"]
    return score * {"us/op": 1, "ms/op": 1e3, "s/op": 1e6, "ns/op": 1e-3}[unit]


rows = {}
torch_info = {}
for t in (1, 2):
    torch = json.load(open("%s/torch-%d.json" % (out_dir, t)))
    torch_info[t] = torch
    for r in json.load(open("%s/jmh-%d.json" % (out_dir, t))):
        key = jmh_key(r)
        if key is None:
            continue
        backend, case = key.split("|")
        ref = torch["results"].get(case)
        rows.setdefault(case, {})["%s/%d" % (backend, t)] = (micros(r), ref)

cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], capture_output=True,
                     text=True).stdout.strip()
lines = ["<!-- COMPARISON START -->",
         "Run %s on %s (%s, %s), Java %s; PyTorch %s with %s. Cells: Descent time / PyTorch time at the same thread "
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
        if v is None or v[1] is None:
            cells.append("")
        else:
            cells.append("%.2f (%.1f)" % (v[0] / v[1], v[0]))
    lines.append("| %s | %s |" % (case, " | ".join(cells)))
lines.append("<!-- COMPARISON END -->")
text = open(readme).read()
start, end = text.find("<!-- COMPARISON START -->"), text.find("<!-- COMPARISON END -->")
block = "\n".join(lines)
if start >= 0 and end >= 0:
    text = text[:start] + block + text[end + len("<!-- COMPARISON END -->"):]
else:
    text += "\n## Side by side with PyTorch\n\n`bench/compare/run.sh` (full mode):\n\n" + block + "\n"
open(readme, "w").write(text)
