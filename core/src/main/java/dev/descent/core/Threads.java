package dev.descent.core;

import java.util.Map;

/**
 * The one thread setting of Descent: how many threads a backend's library (BLAS, EJML) and core's intra-op work
 * may use. The system property {@value #PROPERTY} wins, then the environment variable {@value #ENVIRONMENT};
 * without either it is the number of processors available to the JVM.
 *
 * <pre>{@code
 * java -Ddescent.threads=1 ...   // or DESCENT_THREADS=1
 * int n = Threads.count();
 * }</pre>
 */
public final class Threads {
    /** The system property, read on every call. */
    public static final String PROPERTY = "descent.threads";
    /** The environment variable, read when the property is not set. */
    public static final String ENVIRONMENT = "DESCENT_THREADS";

    private Threads() {
    }

    /** The thread count, and where it came from. */
    public record Setting(int count, String source) {
    }

    /**
     * The thread count now in force.
     *
     * @throws IllegalArgumentException when the property or the variable is set to something other than a positive
     *                                  integer, naming it and its value
     */
    public static int count() {
        return setting().count();
    }

    /** {@link #count()} with where it came from, for reports such as {@code descent info}. */
    public static Setting setting() {
        return setting(System.getProperty(PROPERTY), System.getenv(), Runtime.getRuntime().availableProcessors());
    }

    static Setting setting(String property, Map<String, String> env, int processors) {
        if (property != null && !property.isBlank()) return new Setting(parse(property, "system property " + PROPERTY), "-D" + PROPERTY);
        String variable = env.get(ENVIRONMENT);
        if (variable != null && !variable.isBlank()) return new Setting(parse(variable, "environment variable " + ENVIRONMENT), ENVIRONMENT);
        return new Setting(Math.max(1, processors), "available processors");
    }

    private static int parse(String value, String source) {
        int n;
        try {
            n = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            n = 0;
        }
        if (n < 1) throw new IllegalArgumentException(source + ": expected a positive integer, got '" + value + "'");
        return n;
    }
}
