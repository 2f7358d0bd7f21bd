package dev.descent.optim;

import dev.descent.autodiff.Variable;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Parameters that share hyper-parameters, as a PyTorch parameter group: for instance the biases of a network
 * without weight decay next to its weights with it. Each parameter has a name, used in error messages and state
 * dicts; unnamed groups call their parameters by position ({@code "0"}, {@code "1"}, ... within the optimiser).
 *
 * <pre>{@code
 * var groups = List.of(
 *         new ParamGroup<>(List.of(w1, w2), SGD.options(0.1).withWeightDecay(1e-4)),
 *         new ParamGroup<>(List.of(b1, b2), SGD.options(0.1)));
 * var sgd = new SGD(groups);
 * }</pre>
 *
 * @param params  the parameters (leaf variables that require a gradient), in order
 * @param names   one name per parameter, or {@code null} for positional names
 * @param options the group's hyper-parameters
 */
public record ParamGroup<O extends Hyperparameters<O>>(List<Variable> params, List<String> names, O options) {

    public ParamGroup {
        if (params == null) throw new IllegalArgumentException("ParamGroup: params must not be null");
        if (options == null) throw new IllegalArgumentException("ParamGroup: options must not be null");
        // NOTE: not List.copyOf, which throws a bare NullPointerException; the optimiser names a null parameter.
        params = java.util.Collections.unmodifiableList(new ArrayList<>(params));
        if (names != null) {
            names = java.util.Collections.unmodifiableList(new ArrayList<>(names));
            if (names.size() != params.size()) {
                throw new IllegalArgumentException("ParamGroup: expected one name per parameter (" + params.size()
                        + "), got " + names.size() + " names");
            }
        }
    }

    /** A group with positional parameter names. */
    public ParamGroup(List<Variable> params, O options) {
        this(params, null, options);
    }

    /** A group of named parameters, in the map's iteration order. */
    public static <O extends Hyperparameters<O>> ParamGroup<O> named(Map<String, Variable> params, O options) {
        return new ParamGroup<>(new ArrayList<>(params.values()), new ArrayList<>(params.keySet()), options);
    }
}
