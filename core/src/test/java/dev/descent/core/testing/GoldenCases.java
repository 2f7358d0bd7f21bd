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
