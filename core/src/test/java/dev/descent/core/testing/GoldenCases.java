package dev.descent.core.testing;

import dev.descent.core.DType;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.spi.Backend;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Reads the PyTorch reference files the golden tests share (written offline by the modules' Python generators):
 * blocks of {@code case NAME}, {@code input KIND RANK DIMS... VALUES...} (KIND: param, const or index),
 * {@code weight ...}, {@code output ...}, {@code grad I ...}, {@code end}; tensors are float64, or INT32 for
 * index inputs.
 */
public final class GoldenCases {
    private GoldenCases() {
    }

    /** One reference case: the inputs with their kinds, the weight w, the output and the gradients of sum(y * w). */
    public record Case(String name, List<Tensor> inputs, List<String> kinds, Tensor weight, Tensor output,
                       Map<Integer, Tensor> grads) {
    }

    /** Every case of the resource {@code path} (on {@code anchor}'s class path), with tensors on {@code backend}. */
    public static List<Case> load(Class<?> anchor, String path, Backend backend) throws IOException {
        InputStream stream = anchor.getResourceAsStream(path);
        if (stream == null) throw new IOException("golden file " + path + " is not on the test class path");
        List<Case> cases = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String name = null;
            List<Tensor> inputs = new ArrayList<>();
            List<String> kinds = new ArrayList<>();
            Tensor weight = null, output = null;
            Map<Integer, Tensor> grads = new HashMap<>();
            for (String line; (line = in.readLine()) != null; ) {
                String[] t = line.trim().split(" ");
                switch (t[0]) {
                    case "case" -> {
                        name = t[1];
                        inputs = new ArrayList<>();
                        kinds = new ArrayList<>();
                        grads = new HashMap<>();
                    }
                    case "input" -> {
                        kinds.add(t[1]);
                        inputs.add(tensor(backend, t, 2, t[1].equals("index")));
                    }
                    case "weight" -> weight = tensor(backend, t, 1, false);
                    case "output" -> output = tensor(backend, t, 1, false);
                    case "grad" -> grads.put(Integer.parseInt(t[1]), tensor(backend, t, 2, false));
                    case "end" -> cases.add(new Case(name, inputs, kinds, weight, output, grads));
                    default -> throw new IOException("bad golden line: " + line);
                }
            }
        }
        return cases;
    }

    /** The names of the cases of the resource {@code path}, sorted. */
    public static java.util.SortedSet<String> names(Class<?> anchor, String path) throws IOException {
        java.util.SortedSet<String> names = new java.util.TreeSet<>();
        for (Case c : load(anchor, path, dev.descent.core.Backends.get())) names.add(c.name());
        return names;
    }

    /** One test per case of the resource {@code path} and per backend on the class path, named "CASE on BACKEND". */
    public static List<org.junit.jupiter.api.DynamicTest> perBackend(Class<?> anchor, String path,
                                                                     java.util.function.BiConsumer<Case, Backend> check)
            throws IOException {
        List<org.junit.jupiter.api.DynamicTest> tests = new ArrayList<>();
        for (Backend backend : TestBackends.all()) {
            for (Case c : load(anchor, path, backend)) {
                tests.add(org.junit.jupiter.api.DynamicTest.dynamicTest(c.name() + " on " + backend.name(),
                        () -> check.accept(c, backend)));
            }
        }
        return tests;
    }

    /**
     * Compares {@code actual} with the reference {@code expected} element by element: NaN and infinities must match
     * exactly, any other element within {@code tol * max(1, |expected|)}; fails naming {@code what}, the element and
     * both values. Returns the worst relative error {@code |actual - expected| / max(1, |expected|)}.
     */
    public static double compare(String what, Tensor expected, Tensor actual, double tol) {
        assertNotNull(actual, what + ": no value");
        assertEquals(expected.shape(), actual.shape(), what + ": shape");
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
        double worst = 0;
        for (int i = 0; i < e.length; i++) {
            if (Double.isNaN(e[i]) || Double.isInfinite(e[i])) {
                if (Double.compare(e[i], a[i]) != 0) fail(what + " element " + i + ": expected " + e[i] + ", got " + a[i]);
                continue;
            }
            double err = Math.abs(a[i] - e[i]) / Math.max(1, Math.abs(e[i]));
            worst = Math.max(worst, err);
            if (!(err <= tol)) {
                fail(what + " element " + i + ": expected " + e[i] + ", got " + a[i] + " (relative error " + err + ")");
            }
        }
        return worst;
    }

    /** The tensor written from token {@code at}: rank, dims, then the values ({@code inf} allowed). */
    public static Tensor tensor(Backend backend, String[] t, int at, boolean index) {
        int rank = Integer.parseInt(t[at]);
        int[] dims = new int[rank];
        for (int i = 0; i < rank; i++) dims[i] = Integer.parseInt(t[at + 1 + i]);
        double[] v = new double[Shape.of(dims).size()];
        for (int i = 0; i < v.length; i++) v[i] = Double.parseDouble(t[at + 1 + rank + i].replace("inf", "Infinity"));
        return Tensor.on(backend, index ? DType.INT32 : DType.FLOAT64).of(v).reshape(dims);
    }
}
