package dev.descent.spark;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster of separate JVMs on 127.0.0.1, started from this JVM's (the Maven test) class path with
 * no Spark distribution: a master and {@code workers} workers of one core each, whose executors are JVMs of their
 * own. A worker builds an executor's command with Spark's launcher, which wants a Spark home holding {@code jars/}
 * and a Scala version: the cluster gives it an empty home and {@code SPARK_SCALA_VERSION}, and the applications put
 * the class path on the executors with {@code spark.executor.extraClassPath} ({@link #driverSettings()}).
 * {@link #close()} (and a shutdown hook, should the JVM end first) kills every process it started and their
 * descendants, and deletes its directory.
 */
final class StandaloneCluster implements AutoCloseable {
    /** What Spark 4 on Java 17 reflects into, for every JVM of the cluster. */
    static final List<String> ADD_OPENS = List.of("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED");
    private static final Duration START = Duration.ofSeconds(60);

    private final Path dir;
    private final int masterPort;
    private final List<Process> processes = new ArrayList<>();
    private final List<Process> workers = new ArrayList<>();
    private final Thread hook = new Thread(this::kill);

    private StandaloneCluster(Path dir, int masterPort) {
        this.dir = dir;
        this.masterPort = masterPort;
    }

    /** Starts the master, waits for its port, then starts the workers. */
    static StandaloneCluster start(int workers) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("descent-spark-cluster");
        StandaloneCluster c = new StandaloneCluster(dir, freePort());
        Runtime.getRuntime().addShutdownHook(c.hook);
        try {
            Files.createDirectories(dir.resolve("home/jars"));
            Files.createDirectories(dir.resolve("home/conf"));
            Files.writeString(dir.resolve("log4j2.properties"), String.join("\n",
                    "rootLogger.level = info", "rootLogger.appenderRef.stdout.ref = console",
                    "appender.console.type = Console", "appender.console.name = console",
                    "appender.console.layout.type = PatternLayout",
                    "appender.console.layout.pattern = %d{HH:mm:ss.SSS} %p %c{1}: %m%n", ""));
            c.processes.add(c.launch("master", "384m", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                    "--port", Integer.toString(c.masterPort), "--webui-port", "0"));
            c.awaitPort(c.masterPort, c.processes.get(0), "master");
            for (int i = 0; i < workers; i++) {
                Path work = Files.createDirectories(dir.resolve("work-" + i));
                Process w = c.launch("worker-" + i, "384m", "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                        "--port", "0", "--webui-port", "0", "--cores", "1", "--memory", "768m",
                        "--work-dir", work.toString(), c.masterUrl());
                c.processes.add(w);
                c.workers.add(w);
            }
            return c;
        } catch (IOException | InterruptedException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    String masterUrl() {
        return "spark://127.0.0.1:" + masterPort;
    }

    /** The driver's settings for this cluster: executors of one core and 512 MB with the test class path. */
    static Map<String, String> driverSettings() {
        return Map.of("spark.driver.host", "127.0.0.1", "spark.driver.bindAddress", "127.0.0.1",
                "spark.ui.enabled", "false", "spark.executor.memory", "512m", "spark.executor.cores", "1",
                "spark.cores.max", "2", "spark.executor.extraClassPath", classPath(),
                "spark.executor.extraJavaOptions", String.join(" ", ADD_OPENS) + " -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
    }

    /** The executor JVMs the workers run now (their command lines name CoarseGrainedExecutorBackend). */
    List<ProcessHandle> executors() {
        return workers.stream().flatMap(Process::descendants)
                .filter(p -> p.isAlive() && arguments(p).contains("org.apache.spark.executor.CoarseGrainedExecutorBackend"))
                .toList();
    }

    /** The JVM of executor {@code id}, by the {@code --executor-id} of its command line. */
    Optional<ProcessHandle> executor(String id) {
        return executors().stream().filter(p -> {
            List<String> a = arguments(p);
            int i = a.indexOf("--executor-id");
            return i >= 0 && i + 1 < a.size() && a.get(i + 1).equals(id);
        }).findFirst();
    }

    /**
     * A process's command line: Linux's {@code /proc/PID/cmdline} (on OpenJDK 17 for Linux, ProcessHandle.Info
     * returns no arguments for child processes), else what ProcessHandle.Info knows.
     */
    static List<String> arguments(ProcessHandle p) {
        Path cmdline = Path.of("/proc", Long.toString(p.pid()), "cmdline");
        try {
            if (Files.isReadable(cmdline)) return List.of(new String(Files.readAllBytes(cmdline)).split("\0"));
        } catch (IOException e) {
            // the process ended meanwhile: no arguments
            return List.of();
        }
        return p.info().arguments().map(List::of).orElse(List.of());
    }

    /** The Maven test class path (surefire's, not its manifest-only booter jar). */
    static String classPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Runs {@code mainClass} with a heap of {@code heap} in a JVM of the cluster's kind: 127.0.0.1, the empty Spark
     * home, the test class path; its output goes to {@code NAME.log}.
     */
    Process launch(String name, String heap, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx" + heap, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        cmd.addAll(ADD_OPENS);
        cmd.add("-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties").toUri());
        cmd.addAll(List.of("-cp", classPath(), mainClass));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        Map<String, String> env = pb.environment();
        env.put("SPARK_HOME", dir.resolve("home").toString());
        env.put("SPARK_SCALA_VERSION", "2.13");
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("SPARK_LOCAL_DIRS", dir.resolve("local").toString());
        env.remove("SPARK_CONF_DIR");
        env.remove("SPARK_CLASSPATH");
        return pb.start();
    }

    /** A file in the cluster's directory. */
    Path file(String name) {
        return dir.resolve(name);
    }

    /** The last lines of a process's log, for failure messages. */
    String log(String name) {
        try {
            List<String> lines = Files.readAllLines(dir.resolve(name + ".log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private void awaitPort(int port, Process p, String name) throws InterruptedException {
        long deadline = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) throw new IllegalStateException(name + " exited with " + p.exitValue() + ":\n" + log(name));
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException(name + " did not open port " + port + " within " + START + ":\n" + log(name));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    /** Kills every process started here and their descendants (executors), forcibly. */
    private synchronized void kill() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : processes) {
            try {
                p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        kill();
        if (System.getenv("DESCENT_CLUSTER_LOGS") != null) {
            try (Stream<Path> logs = Files.walk(dir)) {
                for (Path l : logs.filter(f -> f.toString().endsWith(".log") || f.getFileName().toString().equals("stderr")).toList()) {
                    Path to = Path.of(System.getenv("DESCENT_CLUSTER_LOGS")).resolve(dir.relativize(l));
                    Files.createDirectories(to.getParent());
                    Files.copy(l, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs anyway
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
