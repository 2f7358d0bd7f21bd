#!/usr/bin/env bash
# Runs Descent's JMH benchmarks and the PyTorch script one after the other, at 1 and 2 threads, and writes into
# bench/README.md the table of Descent/PyTorch time ratios (COMPARISON markers) and the table of Descent's own
# overhead: matmul against the raw library call, a training step against its GEMMs (OVERHEAD markers).
#   bench/compare/run.sh          full run (about 50 minutes on 2 cores)
#   bench/compare/run.sh quick    seconds per case: checks the pipeline, figures are not meaningful
# Needs: Java 17, Maven, Debian's python3-torch and libopenblas0-pthread (torch uses the reference BLAS without it).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
mode="${1:-full}"
out="$root/bench/target/compare"
mkdir -p "$out"
# The settings the descent launcher uses (README, "Speed with jBLAS on Linux"): glibc keeps jBLAS's per-call copy
# buffers instead of page-faulting them in on every GEMM, and jBLAS's 2020 OpenBLAS gets its Haswell kernels on AVX2
# CPUs it does not recognise. Both sides run with them (PyTorch's OpenBLAS 0.3.21 recognises the CPU itself).
if [ -z "${OPENBLAS_CORETYPE:-}" ] && grep -qw avx2 /proc/cpuinfo 2>/dev/null; then export OPENBLAS_CORETYPE=Haswell; fi
export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-1073741824}" MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-1073741824}"
(cd "$root" && mvn -B -q -DskipTests -Djavadoc=false package -pl bench -am)
# Warm-up of 5 s per case: the training steps reach their steady state (C2-compiled) after 3 to 5 s.
if [ "$mode" = quick ]; then
  jmh=(-f 1 -wi 1 -i 1 -w 200ms -r 200ms); epoch=(-f 1 -wi 0 -i 1)
else
  jmh=(-f 1 -wi 5 -i 5 -w 1s -r 1s); epoch=(-f 1 -wi 1 -i 3)
fi
bench() { OPENBLAS_NUM_THREADS=$1 java -jar "$root/bench/target/benchmarks.jar" "${@:3}" \
            -jvmArgsAppend "-Ddescent.threads=$1 -Ddescent.ejml.threads=$1" -rf json -rff "$out/$2.json" > "$out/$2.log"; }
for t in 1 2; do
  # Descent's one thread setting (intra-op pool, OpenBLAS, EJML) and jBLAS's OpenBLAS get torch's thread count.
  bench $t jmh-$t "${jmh[@]}" 'MatmulBenchmark.descent$|KernelBenchmark|TrainingStepBenchmark|ConvBenchmark|CnnStepBenchmark|CnnLayerBenchmark|LstmStepBenchmark'
  bench $t jmh-$t-epoch "${epoch[@]}" 'EpochBenchmark'
  # Framework overhead: matmul beside the raw library call, a step's GEMMs alone.
  bench $t overhead-$t "${jmh[@]}" -p shape=128,512,256x784x512 'MatmulBenchmark|StepGemmsBenchmark'
  OPENBLAS_NUM_THREADS=$t /usr/bin/python3 "$root/bench/compare/torch_bench.py" "$t" "$mode" > "$out/torch-$t.json" 2> "$out/torch-$t.log"
done
/usr/bin/python3 "$root/bench/compare/table.py" "$out" "$root/bench/README.md"
echo "bench/README.md updated from $out"
