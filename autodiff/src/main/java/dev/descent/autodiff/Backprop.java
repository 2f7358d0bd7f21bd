package dev.descent.autodiff;

import dev.descent.core.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The reverse pass: orders the graph below an output topologically (iteratively, so a chain of any length fits),
 * then walks it from the output back, calling each operation's backward rule once with the complete gradient of
 * its output, summing each input's gradient down to the input's shape and adding it to what the input has
 * received. Leaves that require a gradient accumulate it in {@link Variable#grad()}.
 */
final class Backprop {
    private Backprop() {
    }

    static void backward(Variable root, Variable gradRoot, boolean createGraph) {
        run("backward", root, seed("backward", root, gradRoot), createGraph, null);
    }

    /** Gradients of {@code root} with respect to {@code targets}, without touching any {@code grad()}. */
    static Map<Variable, Variable> gradients(Variable root, Variable gradRoot, boolean createGraph, Set<Variable> targets) {
        Map<Variable, Variable> captured = new IdentityHashMap<>();
        run("Grad.grad", root, seed("Grad.grad", root, gradRoot), createGraph, new Capture(targets, captured));
        return captured;
    }

    private record Capture(Set<Variable> targets, Map<Variable, Variable> gradients) {
    }

    private static Variable seed(String op, Variable root, Variable gradRoot) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException(op + ": the output does not require grad (no input requires grad, or it "
                    + "was computed inside a NoGrad scope)");
        }
        if (gradRoot == null) {
            if (root.value().size() != 1) {
                throw new IllegalArgumentException(op + ": expected a scalar output or an explicit gradient, got output "
                        + "shape " + root.shape());
            }
            return Variable.constant(root.value().onesLike());
        }
        Tensor g = gradRoot.value();
        if (!g.shape().equals(root.shape()) || g.dtype() != root.dtype() || !g.backend().equals(root.value().backend())) {
            throw new IllegalArgumentException(op + ": gradient " + g.dtype() + " " + g.shape() + " on "
                    + g.backend().name() + " does not match the output " + root.dtype() + " " + root.shape() + " on "
                    + root.value().backend().name());
        }
        return gradRoot;
    }

    private static void run(String op, Variable root, Variable gradRoot, boolean createGraph, Capture capture) {
        List<Variable> order = topologicalOrder(root);
        Map<Variable, Variable> pending = new IdentityHashMap<>();
        pending.put(root, gradRoot);
        try (NoGrad scope = NoGrad.set(createGraph)) {
            for (int i = order.size() - 1; i >= 0; i--) {
                Variable v = order.get(i);
                Variable g = pending.remove(v);
                if (g == null) continue;
                g = v.applyHooks(g);
                if (capture != null) {
                    if (capture.targets.contains(v)) capture.gradients.merge(v, g, Variable::add);
                } else if (v.isLeaf() || v.retainsGrad()) {
                    v.accumulate(createGraph ? g : g.detach());
                }
                if (v.isLeaf()) continue;
                Variable[] grads = v.backward.apply(g);
                if (grads.length != v.inputs.length) {
                    throw new IllegalStateException(op + ": the backward rule of '" + v.op + "' returned "
                            + grads.length + " gradients for " + v.inputs.length + " inputs");
                }
                for (int j = 0; j < grads.length; j++) {
                    Variable in = v.inputs[j];
                    if (!in.requiresGrad() || grads[j] == null) continue;
                    Variable gj = fit(op, v.op, j, grads[j], in);
                    pending.merge(in, gj, Variable::add);
                }
            }
        }
    }

    /** Sums a gradient of the (broadcast) output shape down to the input's shape. */
    private static Variable fit(String op, String producer, int index, Variable g, Variable input) {
        if (g.shape().equals(input.shape())) return g;
        if (!input.shape().broadcastsTo(g.shape())) {
            throw new IllegalStateException(op + ": the backward rule of '" + producer + "' returned a gradient of shape "
                    + g.shape() + " for input " + index + " of shape " + input.shape());
        }
        return g.sumTo(input.shape());
    }

    /** Inputs before outputs, over the variables that require a gradient; iterative depth-first search. */
    static List<Variable> topologicalOrder(Variable root) {
        List<Variable> order = new ArrayList<>();
        Set<Variable> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Variable> stack = new ArrayDeque<>();
        ArrayDeque<Integer> next = new ArrayDeque<>();
        stack.push(root);
        next.push(0);
        visited.add(root);
        while (!stack.isEmpty()) {
            Variable v = stack.peek();
            int i = next.pop();
            Variable[] inputs = v.inputs;
            if (inputs != null && i < inputs.length) {
                next.push(i + 1);
                Variable in = inputs[i];
                if (in.requiresGrad() && visited.add(in)) {
                    stack.push(in);
                    next.push(0);
                }
            } else {
                stack.pop();
                order.add(v);
            }
        }
        return order;
    }
}
