package dev.descent.spark;

import dev.descent.nn.losses.Losses;
import dev.descent.optim.train.History;
import dev.descent.optim.train.StopReason;
import dev.descent.optim.train.TrainingListener;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training on a Spark standalone cluster of separate JVMs (a master, two workers, their executors) equals
 * single-machine training, and goes on to the same parameters when an executor JVM is killed mid-training; the
 * spark-submit entry point runs on it through Spark's {@code SparkSubmit}. With {@code DESCENT_CLUSTER_LOGS=DIR} in
 * the environment, the cluster's logs (master, workers, executors, submit) are copied to DIR when it stops.
 */
@Timeout(150)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTrainingTest {
    private static StandaloneCluster cluster;
    private static JavaSparkContext sc;
    private static final Map<Integer, SparkTrainerTest.Result> CLEAN = new ConcurrentHashMap<>();

    @BeforeAll
    static void startCluster() throws Exception {
        long t0 = System.nanoTime();
        LocalSpark.stop(); // one context per JVM: this class's drives the cluster
        cluster = StandaloneCluster.start(2);
        long t1 = System.nanoTime();
        SparkConf conf = new SparkConf().setMaster(cluster.masterUrl()).setAppName("descent-cluster-test");
        StandaloneCluster.driverSettings().forEach(conf::set);
        sc = new JavaSparkContext(conf);
        sc.setLogLevel("WARN");
        awaitExecutors(2);
        System.out.printf("cluster: master up in %.1f s, two executors registered %.1f s later%n", (t1 - t0) / 1e9,
                (System.nanoTime() - t1) / 1e9);
    }

    @AfterAll
    static void stopCluster() {
        try {
            if (sc != null) sc.stop();
        } finally {
            sc = null;
            if (cluster != null) cluster.close();
        }
    }

    private static void awaitExecutors(int n) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (sc.sc().statusTracker().getExecutorInfos().length < n + 1) { // the driver is listed too
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the cluster did not register " + n + " executors within 60 s:\n"
                        + cluster.log("master") + "\n" + cluster.log("worker-0"));
            }
            Thread.sleep(200);
        }
    }

    private static SparkTrainerTest.Result train(int partitions, TrainingListener listener) {
        SparkTrainer.Builder b = SparkTrainerTest.sparkBuilder(sc, SparkTrainerTest.TRAIN, partitions, Losses::crossEntropy);
        if (listener != null) b.listener(listener);
        try (SparkTrainer trainer = b.build()) {
            History h = trainer.fit();
            assertEquals(StopReason.COMPLETED, h.stopReason());
            assertEquals(20, h.steps().size());
            return new SparkTrainerTest.Result(trainer.model().stateDict(), h);
        }
    }

    private static SparkTrainerTest.Result clean(int partitions) {
        return CLEAN.computeIfAbsent(partitions, p -> train(p, null));
    }

    @Order(1)
    @Test
    void twentyStepsOnTwoAndFourPartitionsEqualTheSingleMachineRun() {
        var reference = SparkTrainerTest.singleMachine(SparkTrainerTest.TRAIN);
        for (int partitions : new int[] {2, 4}) {
            var run = clean(partitions);
            double error = Fixtures.relativeError(run.parameters(), reference.parameters());
            System.out.printf("cluster, %d partitions: max relative parameter error %.3g%n", partitions, error);
            assertTrue(error <= SparkTrainerTest.TOLERANCE, "relative error " + error + " with " + partitions + " partitions");
            for (int i = 0; i < 20; i++) {
                double a = run.history().steps().get(i).loss(), b = reference.history().steps().get(i).loss();
                assertEquals(b, a, SparkTrainerTest.TOLERANCE * Math.abs(b), "loss of step " + (i + 1));
            }
        }
    }

    @Order(2)
    @Test
    void anExecutorKilledMidTrainingLeavesTheTrainedParametersUnchanged() throws Exception {
        var reference = clean(4);
        AtomicBoolean armed = new AtomicBoolean();
        AtomicReference<String> killed = new AtomicReference<>();
        AtomicReference<String> problem = new AtomicReference<>();
        Set<String> removed = ConcurrentHashMap.newKeySet();
        SparkListener killer = new SparkListener() {
            @Override
            public void onTaskStart(SparkListenerTaskStart start) {
                if (!armed.compareAndSet(true, false)) return;
                String id = start.taskInfo().executorId();
                Optional<ProcessHandle> jvm = cluster.executor(id);
                if (jvm.isEmpty()) {
                    problem.set("no JVM found for executor " + id + " among " + cluster.executors());
                    return;
                }
                jvm.get().destroyForcibly(); // SIGKILL, as kill -9
                killed.set(id + " (pid " + jvm.get().pid() + ")");
            }

            @Override
            public void onExecutorRemoved(SparkListenerExecutorRemoved event) {
                removed.add(event.executorId());
            }
        };
        sc.sc().addSparkListener(killer);
        SparkTrainerTest.Result run;
        try {
            run = train(4, new TrainingListener() {
                @Override
                public void onStep(History.Step step) {
                    if (step.step() == 8) armed.set(true); // the next task started (step 9's) loses its executor
                }
            });
        } finally {
            sc.sc().removeSparkListener(killer);
        }
        assertEquals(null, problem.get());
        assertNotNull(killed.get(), "an executor was killed");
        String id = killed.get().substring(0, killed.get().indexOf(' '));
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!removed.contains(id) && System.nanoTime() < deadline) Thread.sleep(100);
        assertTrue(removed.contains(id), "Spark saw executor " + killed.get() + " go; removed: " + removed);
        assertFalse(cluster.executor(id).isPresent(), "the killed JVM is gone");
        System.out.println("cluster: killed executor " + killed.get() + " in step 9; the run completed");
        assertEquals(0.0, Fixtures.relativeError(run.parameters(), reference.parameters()),
                "the shares are summed in partition order, so the run with a lost executor is bit for bit the clean one");
        for (int i = 0; i < 20; i++) {
            assertEquals(reference.history().steps().get(i).loss(), run.history().steps().get(i).loss(), 0.0,
                    "loss of step " + (i + 1));
        }
    }

    /** A barrier run; {@code listener} (if any) listens from the first step on, after the trainer's build. */
    private static SparkTrainerTest.Result barrierRun(SparkListener listener) throws InterruptedException {
        return barrierRun(listener, SparkTrainer.Exchange.ALL_REDUCE);
    }

    private static SparkTrainerTest.Result barrierRun(SparkListener listener, SparkTrainer.Exchange exchange)
            throws InterruptedException {
        awaitExecutors(2); // the worker replaces an executor killed before: a barrier job needs both slots
        try (SparkTrainer trainer = BarrierTrainingTest.builder(sc, 2).stepsPerJob(BarrierTrainingTest.STEPS_PER_JOB)
                .exchange(exchange).build()) {
            if (listener != null) sc.sc().addSparkListener(listener);
            History h;
            try {
                h = trainer.fit();
            } finally {
                if (listener != null) sc.sc().removeSparkListener(listener);
            }
            assertEquals(8, trainer.jobCosts().size(), "barrier jobs");
            return new SparkTrainerTest.Result(trainer.model().stateDict(), h);
        }
    }

    private static SparkTrainerTest.Result cleanBarrier;

    @Order(3)
    @Test
    void severalStepsPerBarrierJobEqualTheSingleMachineRun() throws InterruptedException {
        cleanBarrier = barrierRun(null);
        BarrierTrainingTest.assertMatches(BarrierTrainingTest.singleMachine(), cleanBarrier,
                "cluster, stepsPerJob(3), 2 partitions, all-reduce between the executors");
        BarrierTrainingTest.assertBitForBit(barrierRun(null, SparkTrainer.Exchange.DRIVER), cleanBarrier,
                "cluster: the all-reduce between executor JVMs and the driver's exchange train the same bits");
    }

    @Order(4)
    @Test
    void anExecutorKilledInABarrierJobLeavesTheTrainedParametersUnchanged() throws Exception {
        if (cleanBarrier == null) cleanBarrier = barrierRun(null);
        AtomicInteger started = new AtomicInteger();
        AtomicReference<String> killed = new AtomicReference<>();
        SparkListener killer = new SparkListener() {
            @Override
            public void onTaskStart(SparkListenerTaskStart start) {
                // two tasks per barrier job: task 5 is the first of the third job (steps 7 to 9)
                if (started.incrementAndGet() != 5) return;
                String id = start.taskInfo().executorId();
                cluster.executor(id).ifPresent(jvm -> {
                    jvm.destroyForcibly(); // SIGKILL, as kill -9
                    killed.set(id + " (pid " + jvm.pid() + ")");
                });
            }
        };
        SparkTrainerTest.Result run = barrierRun(killer);
        assertNotNull(killed.get(), "an executor was killed");
        System.out.println("cluster: killed executor " + killed.get() + " in a barrier job; the run completed");
        assertEquals(0.0, Fixtures.relativeError(run.parameters(), cleanBarrier.parameters()),
                "the rerun stage starts from the same broadcast state, so the run is bit for bit the clean one");
        for (int i = 0; i < 20; i++) {
            assertEquals(cleanBarrier.history().steps().get(i).loss(), run.history().steps().get(i).loss(), 0.0);
        }
    }

    /** The module's classes as the application jar that spark-submit ships. */
    private static Path applicationJar() throws IOException {
        Path jar = cluster.file("descent-spark-app.jar"), classes = Path.of("target", "classes");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
        return jar;
    }

    @Order(5)
    @Test
    void sparkSubmitRunsTheEntryPointOnTheCluster() throws Exception {
        sc.stop(); // the cluster's two cores go to the submitted application
        sc = null;
        List<String> args = new ArrayList<>(List.of("--master", cluster.masterUrl(), "--deploy-mode", "client",
                "--class", "dev.descent.spark.SparkTrainMain"));
        StandaloneCluster.driverSettings().forEach((k, v) -> args.addAll(List.of("--conf", k + "=" + v)));
        args.add(applicationJar().toString());
        args.addAll(List.of("--rows", "600", "--features", "8", "--classes", "3", "--hidden", "16", "--partitions", "2",
                "--epochs", "2", "--batch", "100", "--lr", "0.05"));
        Process submit = cluster.launch("submit", "768m", "org.apache.spark.deploy.SparkSubmit", args.toArray(new String[0]));
        boolean done = submit.waitFor(100, TimeUnit.SECONDS);
        String log = Files.readString(cluster.file("submit.log"));
        assertTrue(done, "spark-submit did not finish within 100 s:\n" + cluster.log("submit"));
        assertEquals(0, submit.exitValue(), log);
        assertTrue(log.contains("Executor backends") && log.contains("ms per step"), log);
        Matcher m = Pattern.compile("val_accuracy[= :]+([0-9.]+)").matcher(log);
        double last = -1;
        while (m.find()) last = Double.parseDouble(m.group(1));
        assertTrue(last > 0.8, "the last validation accuracy " + last + ":\n" + log);
    }
}
