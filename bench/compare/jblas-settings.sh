#!/usr/bin/env bash
# jBLAS's speed settings, which the backend now makes inside the JVM (backend-jblas: OPENBLAS_CORETYPE by setenv,
# glibc's thresholds by mallopt), against no settings and against the environment variables the launcher used to
# export; and the single-thread cost of the backend's lock around its native calls. Every run starts from an
# environment without OPENBLAS_CORETYPE, MALLOC_*_ or GLIBC_TUNABLES, at one thread (OPENBLAS_NUM_THREADS=1;
# BLAS_THREADS=N sets another count, BLAS_THREADS= leaves OpenBLAS's default, the same for every run).
#
#   bench/compare/jblas-settings.sh [gemm|step|lock|all]   (default all, about 25 minutes; builds the benchmarks first)
#     gemm  MatmulBenchmark.raw (NativeBlas on the same arrays every call), GFLOP/s: no settings
#           (-Ddescent.jblas.coretype=off -Ddescent.jblas.malloc=off), the core type only, both in-process (the
#           default), and the launcher's old environment instead
#     step  TrainingStepBenchmark, jBLAS, mlp, float32, Adam: a plain `java -jar benchmarks.jar` (settings in-process)
#           against the same with the launcher's old environment; the two should agree within 3%
#     lock  MatmulBenchmark.descent and TrainingStepBenchmark on jBLAS with the lock (default) and without it
#           (-Ddescent.jblas.lock=off, for this measurement only), one thread
#   JMH="-f 1 -wi 0 -i 1 -r 100ms" bench/compare/jblas-settings.sh step   (replaces the JMH run options: a quick check)
#   SKIP_BUILD=1 ...                                                      (use bench/target/benchmarks.jar as it is)
# Writes bench/target/compare/jblas-*.json and .log and prints one markdown table per part.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/bench/target/compare"
jar="$root/bench/target/benchmarks.jar"
what="${1:-all}"
case "$what" in gemm|step|lock|all) ;; *) echo "usage: $0 [gemm|step|lock|all]" >&2; exit 2 ;; esac
mkdir -p "$out"
[ "${SKIP_BUILD:-}" = 1 ] || (cd "$root" && mvn -B -q -DskipTests -Djavadoc=false package -pl bench -am)
launcher_env=(OPENBLAS_CORETYPE=Haswell MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=1073741824)
none=(-jvmArgsAppend "-Ddescent.jblas.coretype=off -Ddescent.jblas.malloc=off")
step=('TrainingStepBenchmark.step' -p backend=jblas -p dtype=FLOAT32 -p optimizer=adam -p network=mlp)

# run NAME DEFAULT_JMH_OPTIONS [VAR=VALUE ...] -- JMH ARGUMENTS...: one JMH run, results in $out/jblas-NAME.json
run() {
  local name=$1 defaults=$2 vars=()
  shift 2
  while [ "$1" != "--" ]; do vars+=("$1"); shift; done
  shift
  echo "jblas-settings: $name" >&2
  # shellcheck disable=SC2086 # the JMH options are words on purpose
  local threads=()
  [ -n "${BLAS_THREADS-1}" ] && threads=(OPENBLAS_NUM_THREADS="${BLAS_THREADS-1}")
  env -u OPENBLAS_CORETYPE -u MALLOC_MMAP_THRESHOLD_ -u MALLOC_TRIM_THRESHOLD_ -u GLIBC_TUNABLES -u OPENBLAS_NUM_THREADS \
      ${threads[@]+"${threads[@]}"} ${vars[@]+"${vars[@]}"} java -jar "$jar" "$@" ${JMH:-$defaults} -rf json -rff "$out/jblas-$name.json" \
      > "$out/jblas-$name.log"
}

if [ "$what" = gemm ] || [ "$what" = all ]; then
  gemm=('MatmulBenchmark.raw' -p backend=jblas -p shape=128,256,512,1024,256x784x512)
  opts="-f 1 -wi 3 -i 3 -w 1s -r 1s"
  run gemm-none "$opts" -- "${gemm[@]}" "${none[@]}"
  run gemm-core "$opts" -- "${gemm[@]}" -jvmArgsAppend -Ddescent.jblas.malloc=off
  run gemm-inprocess "$opts" -- "${gemm[@]}"
  run gemm-env "$opts" "${launcher_env[@]}" -- "${gemm[@]}"
fi
if [ "$what" = step ] || [ "$what" = all ]; then
  opts="-f 3 -wi 5 -i 10 -w 1s -r 1s"
  run step-inprocess "$opts" -- "${step[@]}"
  run step-env "$opts" "${launcher_env[@]}" -- "${step[@]}"
fi
if [ "$what" = lock ] || [ "$what" = all ]; then
  opts="-f 3 -wi 5 -i 5 -w 1s -r 1s"
  lock=('MatmulBenchmark.descent|TrainingStepBenchmark.step' -p backend=jblas -p dtype=FLOAT32,FLOAT64
        -p shape=16,64,128,512 -p optimizer=adam -p network=mlp,tiny)
  run lock-on "$opts" -- "${lock[@]}"
  run lock-off "$opts" -- "${lock[@]}" -jvmArgsAppend -Ddescent.jblas.lock=off
fi

/usr/bin/python3 - "$out" "$what" <<'PY'
import json, os, sys
out, what = sys.argv[1], sys.argv[2]

def load(name):
    path = "%s/jblas-%s.json" % (out, name)
    return json.load(open(path)) if os.path.exists(path) else []

def key(r):
    p = r["params"]
    return (r["benchmark"].rsplit(".", 2)[-2] + "." + r["benchmark"].rsplit(".", 1)[-1],) + tuple(
        "%s=%s" % (k, p[k]) for k in sorted(p))

def table(title, configs, cell):
    rows = {}
    for name, _ in configs:
        for r in load(name):
            rows.setdefault(key(r), {})[name] = r
    if not rows:
        return
    print("\n" + title + "\n")
    print("| benchmark | parameters | " + " | ".join(label for _, label in configs) + " |")
    print("|---|---|" + "---:|" * len(configs))
    for k in sorted(rows):
        print("| %s | %s | %s |" % (k[0], ", ".join(k[1:]), " | ".join(cell(rows[k], name) for name, _ in configs)))

def gflops(r):
    p = r["params"]
    dims = [int(d) for d in p["shape"].split("x")]
    m, k, n = (dims * 3)[:3] if len(dims) == 1 else dims
    return 2.0 * m * n * k / (r["primaryMetric"]["score"] * 1e3)

def score(r):
    pm = r["primaryMetric"]
    error = float(pm["scoreError"])  # JMH writes "NaN" for a single iteration
    return "%.1f ± %.1f %s" % (pm["score"], error, pm["scoreUnit"]) if error == error else "%.1f %s" % (pm["score"], pm["scoreUnit"])

def ratio(row, a, b):
    if a not in row or b not in row:
        return "n/a"
    return "%.3f" % (row[a]["primaryMetric"]["score"] / row[b]["primaryMetric"]["score"])

if what in ("gemm", "all"):
    configs = [("gemm-none", "no settings"), ("gemm-core", "core type only (in-process)"),
               ("gemm-inprocess", "both in-process (default)"), ("gemm-env", "launcher's old environment")]
    table("GEMM, GFLOP/s (MatmulBenchmark.raw, one thread)", configs,
          lambda row, name: "%.1f" % gflops(row[name]) if name in row else "n/a")
if what in ("step", "all"):
    configs = [("step-inprocess", "plain java -jar (in-process settings)"), ("step-env", "launcher's old environment")]
    table("jBLAS MLP step, one thread", configs + [("ratio", "plain / environment")],
          lambda row, name: ratio(row, "step-inprocess", "step-env") if name == "ratio"
          else (score(row[name]) if name in row else "n/a"))
if what in ("lock", "all"):
    configs = [("lock-on", "with the lock"), ("lock-off", "without (-Ddescent.jblas.lock=off)")]
    table("Cost of the lock, one thread", configs + [("ratio", "with / without")],
          lambda row, name: ratio(row, "lock-on", "lock-off") if name == "ratio"
          else (score(row[name]) if name in row else "n/a"))
PY
