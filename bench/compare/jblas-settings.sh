#!/usr/bin/env bash
# jBLAS's GEMM under the environment settings bench/README.md discusses: none, OPENBLAS_CORETYPE=Haswell, and
# Haswell plus glibc's malloc thresholds. JMH's MatmulBenchmark.raw (NativeBlas.sgemm/dgemm on the same arrays
# every call) at one thread; prints one markdown table of GFLOP/s (2 m n k / time).
#   bench/compare/jblas-settings.sh       (about 4 minutes; builds the benchmarks first)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/bench/target/compare"
mkdir -p "$out"
(cd "$root" && mvn -B -q -DskipTests -Djavadoc=false package -pl bench -am)
shapes=128,256,512,1024,256x784x512
run() {
  env -u OPENBLAS_CORETYPE -u MALLOC_MMAP_THRESHOLD_ -u MALLOC_TRIM_THRESHOLD_ OPENBLAS_NUM_THREADS=1 "${@:2}" \
      java -jar "$root/bench/target/benchmarks.jar" 'MatmulBenchmark.raw' -p backend=jblas -p shape=$shapes \
      -f 1 -wi 3 -i 3 -w 1s -r 1s -rf json -rff "$out/jblas-$1.json" > "$out/jblas-$1.log"
}
run none
run haswell OPENBLAS_CORETYPE=Haswell
run haswell-malloc OPENBLAS_CORETYPE=Haswell MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=1073741824
/usr/bin/python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
configs = [("none", "no settings"), ("haswell", "OPENBLAS_CORETYPE=Haswell"),
           ("haswell-malloc", "Haswell + MALLOC_MMAP_THRESHOLD_/MALLOC_TRIM_THRESHOLD_")]
cells = {}
for name, _ in configs:
    for r in json.load(open("%s/jblas-%s.json" % (out, name))):
        p = r["params"]
        dims = [int(d) for d in p["shape"].split("x")]
        m, k, n = (dims * 3)[:3] if len(dims) == 1 else dims
        us = r["primaryMetric"]["score"]
        cells.setdefault((p["dtype"], p["shape"]), {})[name] = 2.0 * m * n * k / (us * 1e3)
print("| dtype | shape | " + " | ".join(label for _, label in configs) + " |")
print("|---|---|" + "---:|" * len(configs))
order = lambda key: (key[0], [int(d) for d in key[1].split("x")])
for key in sorted(cells, key=order):
    print("| %s | %s | %s |" % (key[0], key[1], " | ".join("%.1f" % cells[key].get(name, float("nan")) for name, _ in configs)))
PY
