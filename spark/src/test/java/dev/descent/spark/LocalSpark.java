package dev.descent.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * One Spark context in local mode for every test class of this JVM: two worker threads, and a task may fail once
 * and be retried ({@code local[2,2]}), which the fault-tolerance test relies on.
 */
final class LocalSpark {
    private static JavaSparkContext context;

    private LocalSpark() {
    }

    static synchronized JavaSparkContext context() {
        if (context == null || context.sc().isStopped()) {
            SparkConf conf = new SparkConf().setMaster("local[2,2]").setAppName("descent-spark-tests")
                    .set("spark.ui.enabled", "false")
                    .set("spark.driver.host", "127.0.0.1")
                    .set("spark.sql.shuffle.partitions", "2");
            context = new JavaSparkContext(conf);
            context.setLogLevel("WARN");
            JavaSparkContext started = context;
            Runtime.getRuntime().addShutdownHook(new Thread(started::stop));
        }
        return context;
    }

    /** Stops the local context (a JVM holds one context at a time); the next {@link #context()} starts a new one. */
    static synchronized void stop() {
        if (context != null) context.stop();
        context = null;
    }
}
