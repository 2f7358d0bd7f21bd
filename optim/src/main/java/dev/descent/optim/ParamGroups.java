package dev.descent.optim;

import dev.descent.autodiff.Variable;
import dev.descent.core.Tensor;
import dev.descent.optim.clip.Norms;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * An optimiser's parameters laid out by group: every parameter once, in order, with its name, its group and its
 * state, and each group's current hyper-parameters. Built from the {@link ParamGroup}s with every argument checked.
 */
final class ParamGroups<O extends Hyperparameters<O>> {
    final String optimizer;
    final Variable[] params;
    final String[] names;
    final int[] groupOf;
    final int[][] members;
    final List<O> options = new ArrayList<>();
    final ParamState[] states;

    ParamGroups(String optimizer, List<ParamGroup<O>> groups, Consumer<O> check) {
        this.optimizer = optimizer;
        if (groups == null || groups.isEmpty()) {
            throw new IllegalArgumentException(optimizer + ": expected at least one parameter group, got none");
        }
        List<Variable> all = new ArrayList<>();
        List<String> allNames = new ArrayList<>();
        List<Integer> owner = new ArrayList<>();
        Map<Variable, Integer> seen = new IdentityHashMap<>();
        members = new int[groups.size()][];
        for (int g = 0; g < groups.size(); g++) {
            ParamGroup<O> group = groups.get(g);
            if (group == null) throw new IllegalArgumentException(optimizer + ": parameter group " + g + " is null");
            check.accept(group.options());
            options.add(group.options());
            members[g] = new int[group.params().size()];
            for (int i = 0; i < group.params().size(); i++) {
                Variable p = group.params().get(i);
                String name = group.names() == null || group.names().get(i) == null ? String.valueOf(all.size())
                        : group.names().get(i);
                checkParameter(p, all.size(), name, seen);
                seen.put(p, all.size());
                members[g][i] = all.size();
                all.add(p);
                allNames.add(name);
                owner.add(g);
            }
        }
        if (all.isEmpty()) throw new IllegalArgumentException(optimizer + ": got an empty parameter list");
        params = all.toArray(new Variable[0]);
        names = allNames.toArray(new String[0]);
        groupOf = owner.stream().mapToInt(Integer::intValue).toArray();
        states = new ParamState[params.length];
    }

    private void checkParameter(Variable p, int index, String name, Map<Variable, Integer> seen) {
        String which = "parameter " + index + (name.equals(String.valueOf(index)) ? "" : " ('" + name + "')");
        if (p == null) throw new IllegalArgumentException(optimizer + ": " + which + " is null");
        if (!p.requiresGrad() || !p.isLeaf()) {
            throw new IllegalArgumentException(optimizer + ": " + which + " " + p.shape()
                    + " must be a leaf that requires a gradient (Variable.parameter), got "
                    + (p.requiresGrad() ? "the result of '" + p.op() + "'" : "a constant"));
        }
        Integer before = seen.get(p);
        if (before != null) {
            throw new IllegalArgumentException(optimizer + ": " + which + " " + p.shape()
                    + " appears more than once (first as parameter " + before + ")");
        }
    }

    /** The hyper-parameters of parameter {@code i}'s group. */
    O optionsOf(int i) {
        return options.get(groupOf[i]);
    }

    int[] members(int group) {
        if (group < 0 || group >= options.size()) {
            throw new IllegalArgumentException(optimizer + ": group " + group + " does not exist (expected 0 <= group < "
                    + options.size() + ")");
        }
        return members[group];
    }

    /**
     * The index of the first parameter whose gradient holds NaN or an infinity, or -1; a gradient whose shape or
     * dtype is not its parameter's is an {@link IllegalStateException}.
     */
    int firstNonFiniteGradient(String op) {
        for (int i = 0; i < params.length; i++) {
            Tensor grad = checkedGradient(op, i);
            if (grad != null && Norms.firstNonFinite(grad) >= 0) return i;
        }
        return -1;
    }

    /** Checks the shape and dtype of every gradient as {@link #firstNonFiniteGradient} does, not its values; -1. */
    int checkGradients(String op) {
        for (int i = 0; i < params.length; i++) checkedGradient(op, i);
        return -1;
    }

    private Tensor checkedGradient(String op, int i) {
        Tensor grad = params[i].grad();
        if (grad != null && (!grad.shape().equals(params[i].shape()) || grad.dtype() != params[i].dtype())) {
            throw new IllegalStateException(op + ": the gradient of parameter " + names[i] + " is " + grad.dtype()
                    + " " + grad.shape() + ", expected " + params[i].dtype() + " " + params[i].shape());
        }
        return grad;
    }

    /** The exception for parameter {@code i}'s non-finite gradient, naming it and the first bad element. */
    NonFiniteGradientException nonFinite(String op, int i) {
        Tensor grad = params[i].grad();
        int bad = Norms.firstNonFinite(grad);
        return new NonFiniteGradientException(op + ": the gradient of parameter " + names[i] + " " + grad.shape()
                + " is not finite (element " + bad + " is " + grad.flatten().get(bad)
                + "); no parameter or state was changed", names[i]);
    }

    int indexOf(Variable param) {
        for (int i = 0; i < params.length; i++) if (params[i] == param) return i;
        throw new IllegalArgumentException(optimizer + ": the variable " + (param == null ? "null" : param.shape())
                + " is not one of this optimiser's parameters");
    }

    /** {@code group 0: 2 params, Options[lr=...], group 1: ...}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int g = 0; g < options.size(); g++) {
            sb.append(g == 0 ? "" : ", ").append("group ").append(g).append(": ").append(members[g].length)
                    .append(" params, ").append(options.get(g));
        }
        return sb.toString();
    }
}
