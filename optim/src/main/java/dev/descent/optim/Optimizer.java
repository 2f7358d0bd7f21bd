package dev.descent.optim;

import dev.descent.autodiff.NoGrad;
import dev.descent.autodiff.Variable;
import dev.descent.core.BufferPool;
import dev.descent.core.InPlace;
import dev.descent.core.Tensor;
import dev.descent.optim.clip.Clipping;

import java.util.ArrayList;
import java.util.List;

/**
 * Updates parameters from their gradients: the base of every optimiser. It owns the parameter groups with their
 * hyper-parameters, the per-parameter state, and the parts every optimiser shares: {@link #step()} checks all
 * gradients, copies them into the state's scratch where something writes into them ({@link #writesGradient}),
 * applies the attached {@link Clipping} and the
 * {@link WeightDecay}, then hands each parameter to the subclass's {@link #update}, which changes the parameter's
 * value in place through {@link InPlace}, under {@link NoGrad}. After the first step no parameter-sized tensor is
 * allocated (norm clipping aside).
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
 * {@link #skipNonFiniteSteps(boolean)} such steps are skipped and counted instead. With {@link #undoable(boolean)}
 * a step can be taken back, parameters and state bit for bit ({@link #undoStep()}). Parameters without a gradient
 * are left alone, as in PyTorch. State dicts: {@link #stateDict()}, {@link StateDict}.
 *
 * <p>Subclasses are one class per algorithm: they validate their hyper-parameters in {@link #validate}, declare
 * their per-parameter buffers in {@link #state} and write the algorithm's equations in {@link #update}.
 *
 * @param <O> the optimiser's hyper-parameters
 */
public abstract class Optimizer<O extends Hyperparameters<O>> {
    private final String name;
    final ParamGroups<O> groups;
    private final Variable[] params;
    private final ParamState[] states;
    private final List<Tensor> stepGrads = new ArrayList<>();
    private Clipping clipping;
    private boolean skipNonFinite;
    long skippedSteps;
    private StepUndo undo;

    /**
     * @param name   the optimiser's name in messages and state dicts
     * @param groups the parameter groups; each parameter may appear once
     */
    protected Optimizer(String name, List<ParamGroup<O>> groups) {
        this.name = name;
        this.groups = new ParamGroups<>(name, groups, this::check);
        this.params = this.groups.params;
        this.states = this.groups.states;
    }

    /** One group holding {@code params} with {@code options}. */
    protected static <O extends Hyperparameters<O>> List<ParamGroup<O>> single(List<Variable> params, O options) {
        return List.of(new ParamGroup<>(params, options));
    }

    // ---------------------------------------------------------------- what subclasses write

    /** Checks one group's hyper-parameters besides lr and weightDecay; throws naming the bad one. */
    protected abstract void validate(O options);

    /** The buffers of one parameter's state under {@code options}, in order (PyTorch's names). */
    protected abstract List<StateBuffer> state(O options);

    /**
     * One step for one parameter: changes {@code param} in place from {@code grad}, the parameter's gradient after
     * clipping and coupled weight decay (the optimiser's own copy, which the update may overwrite).
     * {@code state.step()} already counts this step.
     */
    protected abstract void update(Tensor param, Tensor grad, ParamState state, O options);

    /**
     * Whether {@link #update} under {@code options} may write into its {@code grad}. The base then gives it a copy
     * of the gradient; an optimiser whose update only reads the gradient returns {@code false}, and when neither
     * clipping nor coupled weight decay changes the gradient, its update reads the parameter's gradient itself (one
     * pass over memory less per parameter, the same values).
     */
    protected boolean writesGradient(O options) {
        return true;
    }

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
        step(true);
    }

    /**
     * {@link #step()} for a caller that has just found every gradient of this optimiser's parameters finite, for
     * example from a finite {@link dev.descent.optim.clip.Norms#gradNorm} over them (a norm is finite only when
     * every element is): the step skips its own pass over the gradients for NaN and infinities (their shapes and
     * dtypes are still checked). The caller answers for the gradients: a non-finite one here gives a non-finite
     * update, which a divergence guard must catch ({@link #undoable(boolean)}, as the trainer does).
     */
    public final void stepFiniteGradients() {
        step(false);
    }

    private void step(boolean checkFinite) {
        try (NoGrad scope = NoGrad.enter()) {
            int bad = checkFinite ? groups.firstNonFiniteGradient(name + ".step") : groups.checkGradients(name + ".step");
            if (bad >= 0 && skipNonFinite) {
                skippedSteps++;
                return;
            }
            if (bad >= 0) throw groups.nonFinite(name + ".step", bad);
            if (undo != null) undo.save(params, states);
            stepGrads.clear();
            for (int i = 0; i < params.length; i++) {
                Tensor grad = params[i].grad();
                if (grad == null) continue;
                O o = groups.optionsOf(i);
                if (states[i] == null) states[i] = new ParamState(params[i].value(), state(o));
                // NOTE: the optimiser's own copy only where something writes into the gradient
                if (clipping == null && !writesGradient(o) && !WeightDecay.writesGradient(o)) continue;
                InPlace.copy(grad, states[i].grad());
                stepGrads.add(states[i].grad());
            }
            if (clipping != null && !stepGrads.isEmpty()) clipping.clip(stepGrads);
            for (int i = 0; i < params.length; i++) {
                Tensor grad = params[i].grad();
                if (grad == null) continue;
                ParamState s = states[i];
                O o = groups.optionsOf(i);
                Tensor g = clipping == null && !writesGradient(o) && !WeightDecay.writesGradient(o) ? grad : s.grad();
                s.step++;
                WeightDecay.apply(o, params[i].value(), g);
                update(params[i].value(), g, s, o);
            }
        }
    }

    /**
     * With {@code true}, every step first keeps a copy of the parameters it changes and of their state, so that
     * {@link #undoStep()} can take it back (a divergence guard does); this costs one copy per step.
     */
    public Optimizer<O> undoable(boolean keep) {
        if (keep != (undo != null)) undo = keep ? new StepUndo(params.length) : null;
        return this;
    }

    /** Whether steps keep their undo. */
    public boolean isUndoable() {
        return undo != null;
    }

    /** Restores the parameters and the state to what they were before the last step, bit for bit. */
    public void undoStep() {
        if (undo == null || !undo.restore(params, states)) {
            throw new IllegalStateException(name + ".undoStep: there is no step to undo (undoable(true) keeps one)");
        }
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
        return groups.options.size();
    }

    /** Every parameter, in order (groups one after the other). */
    public List<Variable> params() {
        return List.of(params);
    }

    /** The parameters of group {@code group}. */
    public List<Variable> params(int group) {
        List<Variable> out = new ArrayList<>();
        for (int i : groups.members(group)) out.add(params[i]);
        return out;
    }

    /** The name of parameter {@code index} (its position, or the name its group gave it). */
    public String paramName(int index) {
        return groups.names[index];
    }

    /** The hyper-parameters of group {@code group}. */
    public O groupOptions(int group) {
        groups.members(group);
        return groups.options.get(group);
    }

    /** Replaces the hyper-parameters of group {@code group}, after validating them. */
    public void setGroupOptions(int group, O newOptions) {
        groups.members(group);
        check(newOptions);
        groups.options.set(group, newOptions);
        for (int i : groups.members(group)) if (states[i] != null) states[i].declare(state(newOptions));
    }

    /** The learning rate of the first group. */
    public double lr() {
        return groups.options.get(0).lr();
    }

    /** The learning rate of group {@code group}. */
    public double lr(int group) {
        return groupOptions(group).lr();
    }

    /** Sets the learning rate of every group (as a schedule does). */
    public void setLr(double lr) {
        for (int g = 0; g < groupCount(); g++) setLr(g, lr);
    }

    /** Sets the learning rate of group {@code group}. */
    public void setLr(int group, double lr) {
        O changed = groupOptions(group).withLr(lr);
        check(changed);
        groups.options.set(group, changed);
    }

    /** Validates {@code o}: lr and weight decay finite and >= 0, then the optimiser's own checks. */
    final void check(O o) {
        if (o == null) throw new IllegalArgumentException(name + ": options must not be null");
        Check.nonNegative(name, "lr", o.lr());
        Check.nonNegative(name, "weightDecay", o.weightDecay());
        validate(o);
    }

    /**
     * The elementwise step size of {@code param}'s most recent update, as a new tensor shaped like it: what the
     * optimiser multiplied its direction by ({@code lr / (sqrt(sum) + eps)} for Adagrad and the like; the learning
     * rate for plain gradient descent). Each optimiser's Javadoc says what it is exactly.
     */
    public Tensor effectiveStepSize(Variable param) {
        int i = groups.indexOf(param);
        ParamState s = states[i];
        if (s == null || s.step == 0) {
            throw new IllegalStateException(name + ".effectiveStepSize: parameter " + groups.names[i] + " " + param.shape()
                    + " has not been updated yet");
        }
        try (NoGrad scope = NoGrad.enter()) {
            return effectiveStepSize(param.value(), s, groups.optionsOf(i));
        }
    }

    /** The number of updates parameter {@code param} has received. */
    public long stepCount(Variable param) {
        ParamState s = states[groups.indexOf(param)];
        return s == null ? 0 : s.step;
    }

    /**
     * A snapshot of the state: copies of every buffer and step count, the hyper-parameters and layout (ordinary
     * tensors, also inside a {@link BufferPool} scope).
     */
    public StateDict stateDict() {
        return BufferPool.outside(() -> StateDicts.save(this));
    }

    /**
     * Restores a state saved by {@link #stateDict()} from an optimiser of the same kind over parameters of the same
     * shapes in the same groups, hyper-parameters included. Everything is validated first: on any mismatch an
     * {@link IllegalArgumentException} names it and the optimiser is unchanged. Tensors are converted to each
     * parameter's dtype and backend.
     */
    public void loadStateDict(StateDict dict) {
        StateDicts.load(this, dict);
    }

    /** Replaces every state and the skipped count (from a validated state dict); no step is left to undo. */
    void replaceState(ParamState[] newStates, long skipped) {
        System.arraycopy(newStates, 0, states, 0, states.length);
        skippedSteps = skipped;
        if (undo != null) undo.forget();
    }

    @Override
    public String toString() {
        return name + "(" + groups + ")";
    }
}
