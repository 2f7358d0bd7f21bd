package consumer;

import dev.descent.autodiff.Variable;
import dev.descent.core.Backends;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.nn.layers.Linear;

/** Prints the selected backend and one layer's output, from inside a fat jar. */
public final class App {
    public static void main(String[] args) {
        System.out.println("backend=" + Backends.get().name());
        Linear layer = new Linear(3, 2, new Rng(1));
        System.out.println("shape=" + layer.apply(Variable.constant(Tensor.ones(4, 3))).shape());
    }
}
