#!/usr/bin/env bash
# Measures synchronous data-parallel training on Spark in local mode against the single-machine loop, and the
# per-step communication cost as the model grows. Writes bench/target/spark/<what>-<backend>.txt (Spark's log beside).
#   bench/spark/run.sh epoch [ejml|jblas]   Fashion-MNIST, MLP 784-256-128-10, batch 128, Adam, float32, 2 epochs,
#                                           with SparkTrainer in local[2], then with Trainer on the driver alone
#   bench/spark/run.sh sweep [ejml|jblas]   CommunicationSweep: steps of batch 4 for models of ~1k to ~4M parameters
#   bench/spark/run.sh all [ejml|jblas]     both (the default: all ejml)
# Extra arguments after the backend go to the Java main (e.g. --epochs 1, --rows 12800, --models 16-64-4).
# Needs Java 17, Maven, and for `epoch` the Fashion-MNIST IDX files in /usr/share/datasets/fashion-mnist
# (apt-get install dataset-fashion-mnist); for jblas, libgfortran5.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
what="${1:-all}"
backend="${2:-ejml}"
shift $(( $# < 2 ? $# : 2 ))
out="$root/bench/target/spark"
mkdir -p "$out"

cd "$root"
mvn -B -q -DskipTests -Djavadoc=false package -pl spark,backend-jblas -am
# Spark itself (provided scope), and jBLAS with Descent's backend for it (the -all jar holds Descent and EJML)
mvn -B -q dependency:build-classpath -DincludeScope=provided -DexcludeGroupIds=dev.descent -Dmdep.outputFile="$out/spark.classpath" -pl spark -am
mvn -B -q dependency:build-classpath -DincludeGroupIds=org.jblas -Dmdep.outputFile="$out/jblas.classpath" -pl backend-jblas -am
cp="$(ls spark/target/descent-spark-*-all.jar):$(ls backend-jblas/target/descent-backend-jblas-*[0-9T].jar):$(cat "$out/jblas.classpath"):$(cat "$out/spark.classpath")"

run() { # name main args...
  local name="$1" main="$2"; shift 2
  echo "== $name ($backend): java ... $main $*"
  # NOTE: jBLAS's JNI copies arrays into malloc'd buffers; without these glibc returns them to the OS on every call
  # and its GEMM calls are about five times slower. They change nothing for EJML.
  MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=4294967296 \
  java -Xmx6g --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.base/java.nio=ALL-UNNAMED \
      --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/java.util=ALL-UNNAMED \
      --add-opens java.base/java.lang.invoke=ALL-UNNAMED \
      -Dspark.master='local[2]' -Dspark.ui.enabled=false -Ddescent.backend="$backend" \
      -cp "$cp" "$main" "$@" 2> "$out/$name-$backend.log" | tee "$out/$name-$backend.txt"
}

case "$what" in
  epoch|all) run epoch dev.descent.spark.SparkTrainMain --data fashion-mnist --hidden 256,128 --partitions 2 \
                 --epochs 2 --batch 128 --lr 0.001 --dtype float32 --compare-local "$@" ;;&
  sweep|all) run sweep dev.descent.spark.CommunicationSweep --partitions 2 --steps 30 --warmup 20 "$@" ;;
  epoch) ;;
  *) echo "usage: bench/spark/run.sh [epoch|sweep|all] [ejml|jblas] [options for the Java main]" >&2; exit 2 ;;
esac
