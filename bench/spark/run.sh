#!/usr/bin/env bash
# Measures synchronous data-parallel training on Spark against the single-machine loop, the per-step cost as the
# model grows, and the scaling model on a standalone cluster of separate JVMs. Writes bench/target/spark/<what>-<backend>.txt
# (Spark's log beside).
#   bench/spark/run.sh epoch [ejml|jblas]    Fashion-MNIST, MLP 784-256-128-10, batch 128, Adam, float32, 2 epochs,
#                                            with SparkTrainer in local[2], then with Trainer on the driver alone
#   bench/spark/run.sh sweep [ejml|jblas]    CommunicationSweep: steps of batch 4 for models of ~1k to ~4M parameters
#   bench/spark/run.sh steps [ejml|jblas]    the per-step targets in local[2] (at most 10 ms over the compute up to 100k
#                                            parameters, 30 ms for 1M): one job per step and 50 steps per barrier job
#                                            (the all-reduce among the tasks, then the driver's exchange), models of
#                                            ~10k, ~100k and ~1M parameters
#   bench/spark/run.sh settings [ejml|jblas] the `steps` grid, one job per step, with Spark's defaults and then with
#                                            spark.locality.wait=0s, spark.broadcast.compress=false,
#                                            spark.scheduler.revive.interval=100ms
#   bench/spark/run.sh scaling [ejml|jblas]  ScalingSweep on a standalone master and two one-core workers started here
#                                            (127.0.0.1, separate JVMs), quick grid (3 models x 2 batches); --full for
#                                            parameters 10^3 to 10^7 and batches per partition 32 to 4096 (hours)
#   bench/spark/run.sh all [ejml|jblas]      epoch and sweep (the default: all ejml)
# Extra arguments after the backend go to the Java main (e.g. --epochs 1, --rows 12800, --models 16-64-4, --full).
# Needs Java 17, Maven, and for `epoch` the Fashion-MNIST IDX files in /usr/share/datasets/fashion-mnist
# (apt-get install dataset-fashion-mnist).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
what="${1:-all}"
backend="${2:-ejml}"
shift $(( $# < 2 ? $# : 2 ))
out="$root/bench/target/spark"
mkdir -p "$out"
mvn_repo=()
[[ -n "${MAVEN_REPO_LOCAL:-}" ]] && mvn_repo=("-Dmaven.repo.local=$MAVEN_REPO_LOCAL")

cd "$root"
mvn -B -q "${mvn_repo[@]}" -DskipTests -Djavadoc=false package -pl spark,backend-jblas -am
# Spark itself (provided scope), and jBLAS with Descent's backend for it (the -all jar holds Descent and EJML)
mvn -B -q "${mvn_repo[@]}" dependency:build-classpath -DincludeScope=provided -DexcludeGroupIds=dev.descent -Dmdep.outputFile="$out/spark.classpath" -pl spark -am
mvn -B -q "${mvn_repo[@]}" dependency:build-classpath -DincludeGroupIds=org.jblas -Dmdep.outputFile="$out/jblas.classpath" -pl backend-jblas -am
# absolute paths: the executors of the `scaling` cluster run in their workers' directories
descent="$(ls "$root"/spark/target/descent-spark-*-all.jar):$(ls "$root"/backend-jblas/target/descent-backend-jblas-*[0-9T].jar):$(cat "$out/jblas.classpath")"
cp="$descent:$(cat "$out/spark.classpath")"
opens=(--add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.base/java.nio=ALL-UNNAMED
       --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/java.util=ALL-UNNAMED
       --add-opens java.base/java.lang.invoke=ALL-UNNAMED)
master='local[2]'
settings=()

run() { # name main args...
  local name="$1" main="$2"; shift 2
  echo "== $name ($backend, $master ${settings[*]}): java ... $main $*"
  # NOTE: jBLAS's JNI copies arrays into malloc'd buffers; without these glibc returns them to the OS on every call
  # and its GEMM calls are about five times slower. They change nothing for EJML.
  MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=4294967296 \
  java -Xmx6g "${opens[@]}" -Dspark.master="$master" -Dspark.ui.enabled=false -Ddescent.backend="$backend" \
      "${settings[@]}" -cp "$cp" "$main" "$@" 2> "$out/$name-$backend.log" | tee "$out/$name-$backend.txt"
}

# A standalone master and two one-core workers on 127.0.0.1, stopped when the script ends. A worker builds an
# executor's command with Spark's launcher, which wants a Spark home holding jars/ and a Scala version: an empty
# home, and the executors' class path from spark.executor.extraClassPath (no Spark distribution is downloaded).
cluster() {
  local port="${DESCENT_BENCH_MASTER_PORT:-7177}" logs="$out/cluster"
  mkdir -p "$logs/home/jars" "$logs/home/conf"
  export SPARK_HOME="$logs/home" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1 SPARK_LOCAL_DIRS="$logs/local"
  unset SPARK_CONF_DIR SPARK_CLASSPATH
  java -Xmx256m "${opens[@]}" -cp "$(cat "$out/spark.classpath")" org.apache.spark.deploy.master.Master \
      --host 127.0.0.1 --port "$port" --webui-port 0 > "$logs/master.log" 2>&1 &
  pids=($!)
  trap 'kill "${pids[@]}" 2>/dev/null; wait "${pids[@]}" 2>/dev/null || true' EXIT
  for i in 0 1; do
    java -Xmx256m "${opens[@]}" -cp "$(cat "$out/spark.classpath")" \
        org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --port 0 --webui-port 0 --cores 1 --memory 3g \
        --work-dir "$logs/work-$i" "spark://127.0.0.1:$port" > "$logs/worker-$i.log" 2>&1 &
    pids+=($!)
  done
  master="spark://127.0.0.1:$port"
  settings=(-Dspark.driver.host=127.0.0.1 -Dspark.driver.bindAddress=127.0.0.1 -Dspark.executor.cores=1
            -Dspark.cores.max=2 -Dspark.executor.memory=2g -Dspark.executor.extraClassPath="$cp"
            "-Dspark.executor.extraJavaOptions=${opens[*]}")
}

steps_models=64-128-10,784-128-10,784-1024-256-10
case "$what" in
  epoch|all) run epoch dev.descent.spark.SparkTrainMain --data fashion-mnist --hidden 256,128 --partitions 2 \
                 --epochs 2 --batch 128 --lr 0.001 --dtype float32 --compare-local "$@" ;;&
  sweep|all) run sweep dev.descent.spark.CommunicationSweep --partitions 2 --steps 30 --warmup 20 "$@" ;;
  steps) run steps dev.descent.spark.CommunicationSweep --partitions 2 --models "$steps_models" --steps 100 \
             --warmup 50 --steps-per-job 1,50 --exchange all-reduce,driver "$@" ;;
  settings)
    run settings-default dev.descent.spark.CommunicationSweep --partitions 2 --models "$steps_models" --steps 30 --warmup 20 "$@"
    settings=(-Dspark.locality.wait=0s -Dspark.broadcast.compress=false -Dspark.scheduler.revive.interval=100ms)
    run settings-tuned dev.descent.spark.CommunicationSweep --partitions 2 --models "$steps_models" --steps 30 --warmup 20 "$@" ;;
  scaling)
    cluster
    run scaling dev.descent.spark.ScalingSweep --executors 2 --partitions 2 --out "$out/scaling" "$@" ;;
  epoch) ;;
  *) echo "usage: bench/spark/run.sh [epoch|sweep|steps|settings|scaling|all] [ejml|jblas] [options for the Java main]" >&2; exit 2 ;;
esac
