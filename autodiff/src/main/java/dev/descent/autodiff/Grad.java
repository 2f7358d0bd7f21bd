package dev.descent.autodiff;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gradients as values ({@code torch.autograd.grad}): the gradients of an output with respect to chosen variables,
 * returned instead of accumulated into {@link Variable#grad()}. With {@code createGraph} they carry a graph and
 * can be differentiated again.
 *
 * <pre>{@code
 * Variable x = Variable.parameter(Tensor.of(new double[] {1, 2}));
 * Variable y = x.pow(3).sum();
 * Variable dx = Grad.grad(y, List.of(x), true).get(0);     // 3 x^2
 * Variable d2x = Grad.grad(dx.sum(), List.of(x), false).get(0); // 6 x
 * }</pre>
 */
public final class Grad {
    private Grad() {
    }

    /** Gradients of the scalar {@code output} with respect to {@code inputs} (zeros where it does not depend). */
    public static List<Variable> grad(Variable output, List<Variable> inputs, boolean createGraph) {
        return grad(output, null, inputs, createGraph);
    }

    /** Gradients of {@code output} seeded with {@code gradOutput} (its shape) with respect to {@code inputs}. */
    public static List<Variable> grad(Variable output, Variable gradOutput, List<Variable> inputs, boolean createGraph) {
        Set<Variable> targets = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Variable in : inputs) {
            if (!in.requiresGrad()) {
                throw new IllegalArgumentException("Grad.grad: input " + in.shape() + " does not require grad");
            }
            targets.add(in);
        }
        Map<Variable, Variable> found = Backprop.gradients(output, gradOutput, createGraph, targets);
        List<Variable> result = new ArrayList<>(inputs.size());
        for (Variable in : inputs) {
            Variable g = found.get(in);
            result.add(g != null ? g : Variable.constant(in.value().zerosLike()));
        }
        return result;
    }
}
