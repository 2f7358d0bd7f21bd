package dev.descent.optim;

import dev.descent.autodiff.NoGrad;
import dev.descent.autodiff.Variable;
import dev.descent.core.DType;
import dev.descent.core.InPlace;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.optim.clip.Clipping;
import dev.descent.optim.clip.Norms;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Updates parameters from their gradients: the base of every optimiser. It owns the parameter groups with their
 * hyper-parameters, the per-parameter state, and the parts every optimiser shares: {@link #step()} checks all
 * gradients, copies them into the state's scratch, applies the attached {@link Clipping}, then hands each
 * parameter to the subclass's {@link #update}, which changes the parameter's value in place through
 * {@link InPlace}, under {@link NoGrad}. After the first step no parameter-sized tensor is allocated.
 *
 * <pre>{@code
 * Adam adam = new Adam(List.of(w, b), Adam.options().withLr(1e-3));
 * for (int epoch = 0; epoch < 100; epoch++) {
 *     adam.zeroGrad();
 *     loss(w, b).backward();
 *     adam.step();
 * }
 * }</pre>
 *
 * <p>Steps are all-or-nothing: if any gradient holds NaN or an infinity, {@code step()} throws a
 * {@link NonFiniteGradientException} naming the parameter, before anything is changed; with
 * {@link #skipNonFiniteSteps(boolean)} such steps are skipped and counted instead. Parameters without a gradient
 * are left alone, as in PyTorch.
 *
 * <p>Subclasses are one class per algorithm: they validate their hyper-parameters in {@link #validate}, declare
 * their per-parameter buffers in {@link #initState} and write the algorithm's equations in {@link #update}.
 *
 * @param <O> the optimiser's hyper-parameter record
 */
public abstract class Optimizer<O extends Hyperparameters<O>> {
    private final String name;
    private final List<O> options = new ArrayList<>();
    private final Variable[] params;
    private final String[] names;
    private final int[] groupOf;
    private final int[][] groupParams;
    private final ParamState[] states;
    private final List<Tensor> stepGrads = new ArrayList<>();
    private Clipping clipping;
    private boolean skipNonFinite;
    private long skippedSteps;

    /**
     * @param name   the optimiser's name in messages and state dicts
     * @param groups the parameter groups; each parameter may appear once
     */
    protected Optimizer(String name, List<ParamGroup<O>> groups) {
        this.name = name;
        if (groups == null || groups.isEmpty()) {
            throw new IllegalArgumentException(name + ": expected at least one parameter group, got none");
        }
        List<Variable> all = new ArrayList<>();
        List<String> allNames = new ArrayList<>();
        List<Integer> owner = new ArrayList<>();
        Map<Variable, Integer> seen = new IdentityHashMap<>();
        groupParams = new int[groups.size()][];
        for (int g = 0; g < groups.size(); g++) {
            ParamGroup<O> group = groups.get(g);
            if (!group.options().getClass().isRecord()) {
                throw new IllegalArgumentException(name + ": hyper-parameters must be a record, got "
                        + group.options().getClass().getName());
            }
            validate(group.options());
            options.add(group.options());
            groupParams[g] = new int[group.params().size()];
            for (int i = 0; i < group.params().size(); i++) {
                Variable p = group.params().get(i);
                String pname = group.names() == null ? String.valueOf(all.size()) : group.names().get(i);
                checkParameter(p, pname, seen);
                seen.put(p, all.size());
                groupParams[g][i] = all.size();
                all.add(p);
                allNames.add(pname);
                owner.add(g);
            }
        }
        if (all.isEmpty()) throw new IllegalArgumentException(name + ": got an empty parameter list");
        params = all.toArray(new Variable[0]);
        names = allNames.toArray(new String[0]);
        groupOf = owner.stream().mapToInt(Integer::intValue).toArray();
        states = new ParamState[params.length];
    }

    /** One group holding {@code params} with {@code options}. */
    protected static <O extends Hyperparameters<O>> List<ParamGroup<O>> single(List<Variable> params, O options) {
        return List.of(new ParamGroup<>(params, options));
    }

    private void checkParameter(Variable p, String pname, Map<Variable, Integer> seen) {
        if (p == null) throw new IllegalArgumentException(name + ": parameter " + pname + " is null");
        if (!p.requiresGrad() || !p.isLeaf()) {
            throw new IllegalArgumentException(name + ": parameter " + pname + " " + p.shape()
                    + " must be a leaf that requires a gradient (Variable.parameter), got "
                    + (p.requiresGrad() ? "the result of '" + p.op() + "'" : "a constant"));
        }
        Integer before = seen.get(p);
        if (before != null) {
            throw new IllegalArgumentException(name + ": parameter " + pname + " " + p.shape()
                    + " appears more than once (first as parameter " + before + ")");
        }
    }

    // ---------------------------------------------------------------- what subclasses write

    /** Checks one group's hyper-parameters; throws {@link IllegalArgumentException} naming the bad one. */
    protected abstract void validate(O options);

    /** Declares the buffers of a new parameter state ({@link ParamState#buffer}, {@link ParamState#scalar}). */
    protected abstract void initState(ParamState state, O options);

    /**
     * One step for one parameter: changes {@code param} in place from {@code grad}, the parameter's gradient after
     * clipping (the optimiser's own copy, which the update may overwrite). {@code state.step()} already counts
     * this step.
     */
    protected abstract void update(Tensor param, Tensor grad, ParamState state, O options);

    /**
     * The elementwise step size of the last update, for {@link #effectiveStepSize(Variable)}; plain gradient
     * descent's is the learning rate everywhere.
     */
    protected Tensor effectiveStepSize(Tensor param, ParamState state, O options) {
        return param.fullLike(options.lr());
    }

    // ---------------------------------------------------------------- stepping

    /**
     * Updates every parameter that has a gradient. Throws {@link NonFiniteGradientException}, changing nothing,
     * if a gradient holds NaN or an infinity (or skips the step, see {@link #skipNonFiniteSteps(boolean)}).
     */
    public final void step() {
        try (NoGrad scope = NoGrad.enter()) {
            if (!gradientsFinite()) return;
            stepGrads.clear();
            for (int i = 0; i < params.length; i++) {
                Tensor grad = params[i].grad();
                if (grad == null) continue;
                ParamState s = states[i];
                if (s == null) s = states[i] = newState(i);
                InPlace.copy(grad, s.grad);
                stepGrads.add(s.grad);
            }
            if (clipping != null && !stepGrads.isEmpty()) clipping.clip(stepGrads);
            for (int i = 0; i < params.length; i++) {
                if (params[i].grad() == null) continue;
                ParamState s = states[i];
                s.step++;
                update(params[i].value(), s.grad, s, options.get(groupOf[i]));
            }
        }
    }

    private ParamState newState(int i) {
        ParamState s = new ParamState(params[i].value(), false);
        initState(s, options.get(groupOf[i]));
        return s;
    }

    /** Whether every gradient is finite; otherwise throws, or counts a skipped step. */
    private boolean gradientsFinite() {
        for (int i = 0; i < params.length; i++) {
            Tensor grad = params[i].grad();
            if (grad == null) continue;
            if (!grad.shape().equals(params[i].shape()) || grad.dtype() != params[i].dtype()) {
                throw new IllegalStateException(name + ".step: the gradient of parameter " + names[i] + " is "
                        + grad.dtype() + " " + grad.shape() + ", expected " + params[i].dtype() + " "
                        + params[i].shape());
            }
            int bad = Norms.firstNonFinite(grad);
            if (bad < 0) continue;
            if (skipNonFinite) {
                skippedSteps++;
                return false;
            }
            throw new NonFiniteGradientException(name + ".step: the gradient of parameter " + names[i] + " "
                    + grad.shape() + " is not finite (element " + bad + " is " + grad.flatten().get(bad)
                    + "); no parameter or state was changed", names[i]);
        }
        return true;
    }

    /** Clears the gradient of every parameter. */
    public void zeroGrad() {
        for (Variable p : params) p.zeroGrad();
    }

    /**
     * With {@code true}, a step whose gradients hold NaN or an infinity is skipped (nothing changes) and counted in
     * {@link #skippedSteps()} instead of throwing.
     */
    public Optimizer<O> skipNonFiniteSteps(boolean skip) {
        this.skipNonFinite = skip;
        return this;
    }

    /** The number of steps skipped because of non-finite gradients. */
    public long skippedSteps() {
        return skippedSteps;
    }

    /** Clips the gradients before every step (the optimiser's copies; {@code grad()} stays as it was). */
    public Optimizer<O> clipping(Clipping clipping) {
        this.clipping = clipping;
        return this;
    }

    /** The attached clipping, or {@code null}. */
    public Clipping clipping() {
        return clipping;
    }

    // ---------------------------------------------------------------- groups and hyper-parameters

    /** The optimiser's name, as in messages. */
    public String name() {
        return name;
    }

    /** The number of parameter groups. */
    public int groupCount() {
        return options.size();
    }

    /** Every parameter, in order (groups one after the other). */
    public List<Variable> params() {
        return List.of(params);
    }

    /** The parameters of group {@code group}. */
    public List<Variable> params(int group) {
        checkGroup(group);
        List<Variable> out = new ArrayList<>();
        for (int i : groupParams[group]) out.add(params[i]);
        return out;
    }

    /** The name of parameter {@code index} (its position, or the name its group gave it). */
    public String paramName(int index) {
        return names[index];
    }

    /** The hyper-parameters of group {@code group}. */
    public O groupOptions(int group) {
        checkGroup(group);
        return options.get(group);
    }

    /** Replaces the hyper-parameters of group {@code group}, after validating them. */
    public void setGroupOptions(int group, O newOptions) {
        checkGroup(group);
        if (newOptions == null) throw new IllegalArgumentException(name + ".setGroupOptions: options must not be null");
        validate(newOptions);
        options.set(group, newOptions);
        for (int i : groupParams[group]) {
            if (states[i] == null) continue;
            ParamState dry = new ParamState(params[i].value(), true);
            initState(dry, newOptions);
            states[i].retain(dry.declared().keySet());
        }
    }

    /** The learning rate of the first group. */
    public double lr() {
        return options.get(0).lr();
    }

    /** The learning rate of group {@code group}. */
    public double lr(int group) {
        return groupOptions(group).lr();
    }

    /** Sets the learning rate of every group (as a schedule does). */
    public void setLr(double lr) {
        for (int g = 0; g < options.size(); g++) setLr(g, lr);
    }

    /** Sets the learning rate of group {@code group}. */
    public void setLr(int group, double lr) {
        checkGroup(group);
        O changed = options.get(group).withLr(lr);
        validate(changed);
        options.set(group, changed);
    }

    private void checkGroup(int group) {
        if (group < 0 || group >= options.size()) {
            throw new IllegalArgumentException(name + ": group " + group + " does not exist (expected 0 <= group < "
                    + options.size() + ")");
        }
    }

    /**
     * The elementwise step size of {@code param}'s most recent update, as a new tensor shaped like it: what the
     * optimiser multiplied its direction by ({@code lr / (sqrt(sum) + eps)} for Adagrad and the like; the learning
     * rate for plain gradient descent). Each optimiser's Javadoc says what it is exactly.
     */
    public Tensor effectiveStepSize(Variable param) {
        int i = indexOf(param);
        ParamState s = states[i];
        if (s == null || s.step == 0) {
            throw new IllegalStateException(name + ".effectiveStepSize: parameter " + names[i] + " " + param.shape()
                    + " has not been updated yet");
        }
        try (NoGrad scope = NoGrad.enter()) {
            return effectiveStepSize(param.value(), s, options.get(groupOf[i]));
        }
    }

    /** The number of updates parameter {@code param} has received. */
    public long stepCount(Variable param) {
        ParamState s = states[indexOf(param)];
        return s == null ? 0 : s.step;
    }

    private int indexOf(Variable param) {
        for (int i = 0; i < params.length; i++) if (params[i] == param) return i;
        throw new IllegalArgumentException(name + ": the variable " + (param == null ? "null" : param.shape())
                + " is not one of this optimiser's parameters");
    }

    // ---------------------------------------------------------------- state dicts

    /**
     * A snapshot of the state: copies of every buffer and step count, the hyper-parameters and layout; see
     * {@link StateDict} for the names.
     */
    public StateDict stateDict() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (int i = 0; i < params.length; i++) {
            ParamState s = states[i];
            if (s == null) continue;
            tensors.put("state." + i + ".step", Tensor.on(params[i].value().backend(), DType.FLOAT64).scalar(s.step));
            for (Map.Entry<String, Tensor> b : s.buffers().entrySet()) {
                tensors.put("state." + i + "." + b.getKey(), b.getValue().copy());
            }
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("optimizer", name);
        meta.put("groups", String.valueOf(options.size()));
        for (int g = 0; g < options.size(); g++) {
            StringBuilder ids = new StringBuilder();
            for (int i : groupParams[g]) ids.append(ids.length() == 0 ? "" : ",").append(i);
            meta.put("group." + g + ".params", ids.toString());
            for (Map.Entry<String, String> e : Records.describe(options.get(g)).entrySet()) {
                meta.put("group." + g + "." + e.getKey(), e.getValue());
            }
        }
        meta.put("skipped_steps", String.valueOf(skippedSteps));
        return new StateDict(tensors, meta);
    }

    /**
     * Restores a state saved by {@link #stateDict()} from an optimiser of the same kind over parameters of the same
     * shapes in the same groups, hyper-parameters included. Everything is validated first: on any mismatch an
     * {@link IllegalArgumentException} names it and the optimiser is unchanged. Tensors are converted to each
     * parameter's dtype and backend.
     */
    public void loadStateDict(StateDict dict) {
        String op = name + ".loadStateDict";
        Map<String, String> meta = dict.metadata();
        String kind = meta.get("optimizer");
        if (!name.equals(kind)) {
            throw new IllegalArgumentException(op + ": the state dict is for optimizer '" + kind + "', not " + name);
        }
        String groupsText = meta.get("groups");
        if (!String.valueOf(options.size()).equals(groupsText)) {
            throw new IllegalArgumentException(op + ": expected " + options.size() + " parameter groups, got "
                    + groupsText);
        }
        @SuppressWarnings("unchecked")
        Class<O> type = (Class<O>) options.get(0).getClass();
        List<O> loadedOptions = new ArrayList<>();
        for (int g = 0; g < options.size(); g++) {
            StringBuilder ids = new StringBuilder();
            for (int i : groupParams[g]) ids.append(ids.length() == 0 ? "" : ",").append(i);
            String given = meta.get("group." + g + ".params");
            if (!ids.toString().equals(given)) {
                throw new IllegalArgumentException(op + ": group " + g + " holds parameters [" + ids
                        + "], the state dict's holds [" + given + "]");
            }
            O o = Records.parse(type, meta, "group." + g + ".", op);
            try {
                validate(o);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(op + ": group " + g + ": " + e.getMessage(), e);
            }
            loadedOptions.add(o);
        }
        long skipped = parseCount(op, "skipped_steps", meta.get("skipped_steps"));

        // Which tensors belong to which parameter, and nothing else.
        List<Map<String, Tensor>> perParam = new ArrayList<>();
        for (int i = 0; i < params.length; i++) perParam.add(new LinkedHashMap<>());
        for (Map.Entry<String, Tensor> e : dict.tensors().entrySet()) {
            String key = e.getKey();
            int dot = key.indexOf('.', "state.".length());
            int index = -1;
            if (key.startsWith("state.") && dot > 0) {
                try {
                    index = Integer.parseInt(key.substring("state.".length(), dot));
                } catch (NumberFormatException ignored) {
                    index = -1;
                }
            }
            if (index < 0 || index >= params.length) {
                throw new IllegalArgumentException(op + ": unexpected tensor '" + key + "' (expected state.<i>.<name> "
                        + "with 0 <= i < " + params.length + ")");
            }
            perParam.get(index).put(key.substring(dot + 1), e.getValue());
        }

        ParamState[] loaded = new ParamState[params.length];
        for (int i = 0; i < params.length; i++) {
            Map<String, Tensor> given = perParam.get(i);
            if (given.isEmpty()) continue;
            O o = loadedOptions.get(groupOf[i]);
            ParamState dry = new ParamState(params[i].value(), true);
            initState(dry, o);
            checkStateTensors(op, i, given, dry.declared());
            ParamState s = new ParamState(params[i].value(), false);
            initState(s, o);
            s.step = parseStep(op, i, given.get("step"));
            for (String b : dry.declared().keySet()) s.load(b, given.get(b));
            loaded[i] = s;
        }
        // Validated: apply everything.
        for (int g = 0; g < options.size(); g++) options.set(g, loadedOptions.get(g));
        System.arraycopy(loaded, 0, states, 0, states.length);
        skippedSteps = skipped;
    }

    private void checkStateTensors(String op, int i, Map<String, Tensor> given, Map<String, Boolean> expected) {
        for (String key : given.keySet()) {
            if (!key.equals("step") && !expected.containsKey(key)) {
                throw new IllegalArgumentException(op + ": unexpected state tensor 'state." + i + "." + key
                        + "' for parameter " + names[i] + " (expected " + expected.keySet() + " and step)");
            }
        }
        List<String> required = new ArrayList<>(expected.keySet());
        required.add("step");
        for (String key : required) {
            Tensor t = given.get(key);
            if (t == null) {
                throw new IllegalArgumentException(op + ": missing state tensor 'state." + i + "." + key
                        + "' for parameter " + names[i]);
            }
            boolean scalar = key.equals("step") || expected.get(key);
            Shape want = scalar ? Shape.scalar() : params[i].shape();
            if (!t.shape().equals(want) || !t.dtype().isFloating()) {
                throw new IllegalArgumentException(op + ": state tensor 'state." + i + "." + key + "' is "
                        + t.dtype() + " " + t.shape() + ", expected a float32 or float64 tensor of shape " + want
                        + " for parameter " + names[i]);
            }
            int bad = Norms.firstNonFinite(t);
            if (bad >= 0) {
                throw new IllegalArgumentException(op + ": state tensor 'state." + i + "." + key
                        + "' holds a non-finite value at element " + bad);
            }
        }
    }

    private long parseStep(String op, int i, Tensor t) {
        double v = t.item();
        if (!(v >= 0) || v != Math.rint(v) || v > 0x1p53) {
            throw new IllegalArgumentException(op + ": 'state." + i + ".step' must be a whole number >= 0, got " + v);
        }
        return (long) v;
    }

    private static long parseCount(String op, String key, String text) {
        try {
            long v = Long.parseLong(text);
            if (v >= 0) return v;
        } catch (NumberFormatException | NullPointerException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(op + ": metadata '" + key + "' must be a whole number >= 0, got " + text);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name).append('(');
        for (int g = 0; g < options.size(); g++) {
            sb.append(g == 0 ? "" : ", ").append("group ").append(g).append(": ").append(groupParams[g].length)
                    .append(" params, ").append(options.get(g));
        }
        return sb.append(')').toString();
    }

    /** Hyper-parameter records to and from strings, by their components. */
    static final class Records {
        private Records() {
        }

        static Map<String, String> describe(Object r) {
            Map<String, String> out = new LinkedHashMap<>();
            for (RecordComponent c : r.getClass().getRecordComponents()) {
                try {
                    out.put(c.getName(), String.valueOf(c.getAccessor().invoke(r)));
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("cannot read " + c.getName() + " of " + r.getClass(), e);
                }
            }
            return out;
        }

        static <O> O parse(Class<O> type, Map<String, String> meta, String prefix, String op) {
            RecordComponent[] cs = type.getRecordComponents();
            Class<?>[] types = new Class<?>[cs.length];
            Object[] values = new Object[cs.length];
            for (int k = 0; k < cs.length; k++) {
                types[k] = cs[k].getType();
                String text = meta.get(prefix + cs[k].getName());
                if (text == null) {
                    throw new IllegalArgumentException(op + ": missing hyper-parameter '" + prefix + cs[k].getName()
                            + "'");
                }
                values[k] = parseValue(types[k], text, prefix + cs[k].getName(), op);
            }
            try {
                Constructor<O> ctor = type.getDeclaredConstructor(types);
                return ctor.newInstance(values);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(op + ": cannot create " + type.getName(), e);
            }
        }

        private static Object parseValue(Class<?> t, String text, String key, String op) {
            try {
                if (t == double.class) return Double.parseDouble(text);
                if (t == int.class) return Integer.parseInt(text);
                if (t == long.class) return Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(op + ": hyper-parameter '" + key + "' must be a " + t + ", got '"
                        + text + "'", e);
            }
            if (t == boolean.class) {
                if (text.equals("true") || text.equals("false")) return Boolean.parseBoolean(text);
                throw new IllegalArgumentException(op + ": hyper-parameter '" + key + "' must be true or false, got '"
                        + text + "'");
            }
            throw new IllegalStateException(op + ": unsupported hyper-parameter type " + t + " for '" + key + "'");
        }
    }

    /** Every declared name of a fresh state under {@code o} (tests and tools). */
    Set<String> declaredState(Variable p, O o) {
        ParamState dry = new ParamState(p.value(), true);
        initState(dry, o);
        return dry.declared().keySet();
    }
}
