package dev.descent.bench;

import dev.descent.core.Backends;
import dev.descent.core.spi.Backend;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The benchmark jar's entry point: JMH's {@code Main}, with every benchmark's {@code backend} parameter set to the
 * backends found on the class path ({@link Backends#found()}, the available ones) unless the command line names
 * them ({@code -p backend=...}). A new backend module on the class path is benchmarked without editing a list.
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar TrainingStepBenchmark -p dtype=FLOAT32     # every backend
 * java -jar bench/target/benchmarks.jar TrainingStepBenchmark -p backend=jblas     # one
 * </pre>
 */
public final class BenchMain {
    /** The parameter every benchmark that runs on a backend declares. */
    static final String PARAMETER = "backend";

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        org.openjdk.jmh.Main.main(withBackends(args, discovered()));
    }

    /** The backend called {@code name}; {@code "default"} is the default selection ({@link Backends#get()}). */
    static Backend backend(String name) {
        return name.equals("default") ? Backends.get() : Backends.get(name);
    }

    /** The available backends' names, highest priority first, comma-separated (JMH's list syntax). */
    static String discovered() {
        return Backends.found().stream().filter(f -> f.availability().available()).map(Backends.Found::name)
                .collect(Collectors.joining(","));
    }

    /** {@code args} with {@code -p backend=<names>} added, unless they set the parameter already or only ask for help or a list. */
    static String[] withBackends(String[] args, String names) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        for (int i = 0; i < all.size(); i++) {
            String a = all.get(i);
            if (a.equals("-h") || a.equals("-l") || a.equals("-lp") || a.equals("-lprof")) return args;
            if ((a.equals("-p") && i + 1 < all.size() && all.get(i + 1).startsWith(PARAMETER + "="))
                    || a.startsWith("-p" + PARAMETER + "=")) {
                return args;
            }
        }
        if (names.isEmpty()) return args;
        all.add("-p");
        all.add(PARAMETER + "=" + names);
        return all.toArray(new String[0]);
    }
}
