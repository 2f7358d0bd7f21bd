package dev.descent.nn.init;

import dev.descent.core.testing.TestBackends;
import dev.descent.core.Backends;
import dev.descent.core.DType;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.core.Rng;
import dev.descent.core.spi.Backend;

/** Backends, factories and sample statistics shared by the initialiser tests. */
final class Samples {
    static final Backend DEFAULT = Backends.get();
    /** The lowest-priority backend on the class path: another one than DEFAULT whenever there are several. */
    static final Backend OTHER = TestBackends.all().get(TestBackends.all().size() - 1);

    private Samples() {
    }

    static TensorFactory f64() {
        return Tensor.on(DEFAULT, DType.FLOAT64);
    }

    static TensorFactory factory(Backend backend, DType dtype) {
        return Tensor.on(backend, dtype);
    }

    /** The values of {@code init} for a {@code (fanIn, fanOut)} weight on DEFAULT, seeded. */
    static double[] draw(Initializer init, DType dtype, int fanIn, int fanOut, long seed) {
        return init.initialize(Tensor.on(DEFAULT, dtype), Shape.of(fanIn, fanOut), fanIn, fanOut, new Rng(seed))
                .toDoubleArray();
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s / v.length;
    }

    /** The population standard deviation (divisor n). */
    static double std(double[] v) {
        double m = mean(v);
        double s = 0;
        for (double x : v) s += (x - m) * (x - m);
        return Math.sqrt(s / v.length);
    }

    static double min(double[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : v) m = Math.min(m, x);
        return m;
    }

    static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) m = Math.max(m, x);
        return m;
    }
}
