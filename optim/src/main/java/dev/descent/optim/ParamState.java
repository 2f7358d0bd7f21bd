package dev.descent.optim;

import dev.descent.core.BufferPool;
import dev.descent.core.DType;
import dev.descent.core.InPlace;
import dev.descent.core.Tensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The state an optimiser keeps for one parameter: its step count, the buffers it declared ({@link StateBuffer}:
 * moments, accumulators; shaped like the parameter, or float64 scalars) and scratch tensors for the update. They
 * persist from step to step, so they are made outside any {@link BufferPool} scope, even when the first step runs
 * inside one.
 *
 * <pre>{@code
 * protected List<StateBuffer> state(Options o) { return List.of(StateBuffer.tensor("exp_avg")); }
 * protected void update(Tensor w, Tensor g, ParamState s, Options o) { Tensor m = s.buffer("exp_avg"); ... }
 * }</pre>
 */
public final class ParamState {
    private final Tensor param;
    private final Map<String, StateBuffer> declared = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Tensor[] scratch = new Tensor[2];
    private Tensor grad;
    long step;

    /** A state with every declared buffer at its initial value. */
    ParamState(Tensor param, List<StateBuffer> buffers) {
        this.param = param;
        declare(buffers);
        for (StateBuffer b : buffers) buffer(b.name());
    }

    /** The number of steps taken with this parameter, counting the one in progress during {@code update}. */
    public long step() {
        return step;
    }

    /**
     * The declared buffer {@code name}; created at its initial value if it does not exist yet (after the options
     * changed to ones that declare it).
     */
    public Tensor buffer(String name) {
        Tensor b = buffers.get(name);
        if (b != null) return b;
        StateBuffer spec = declared.get(name);
        if (spec == null) {
            throw new IllegalStateException("the optimiser's state has no declared buffer '" + name + "' (declared: "
                    + declared.keySet() + ")");
        }
        b = BufferPool.outside(() -> spec.scalar() ? Tensor.on(param.backend(), DType.FLOAT64).scalar(spec.initial())
                : spec.initial() == 0 ? param.zerosLike() : param.fullLike(spec.initial()));
        buffers.put(name, b);
        return b;
    }

    /** Whether the buffer {@code name} exists. */
    public boolean has(String name) {
        return buffers.containsKey(name);
    }

    /** Scratch tensor {@code k} (0 or 1) shaped like the parameter, for intermediate values of one update. */
    public Tensor scratch(int k) {
        Tensor t = scratch[k];
        if (t == null) scratch[k] = t = BufferPool.outside(param::zerosLike);
        return t;
    }

    /** The optimiser's copy of the gradient (made on first use: an update that only reads it needs none). */
    Tensor grad() {
        if (grad == null) grad = BufferPool.outside(param::zerosLike);
        return grad;
    }

    /** The buffers in declaration order (read-only view). */
    Map<String, Tensor> buffers() {
        return Collections.unmodifiableMap(buffers);
    }

    /** Replaces the declaration (new options): buffers no longer declared are dropped, new ones made on first use. */
    void declare(List<StateBuffer> specs) {
        declared.clear();
        for (StateBuffer b : specs) declared.put(b.name(), b);
        buffers.keySet().retainAll(declared.keySet());
    }

    /** Copies {@code value} into buffer {@code name} (validated by the caller). */
    void load(String name, Tensor value) {
        Tensor b = buffer(name);
        InPlace.copy(value.backend() == b.backend() ? value : value.to(b.backend()), b);
    }

    /** Copies the step count and every buffer into {@code into}, reusing its tensors. */
    void saveTo(Saved into) {
        into.step = step;
        into.buffers.keySet().retainAll(buffers.keySet());
        for (Map.Entry<String, Tensor> e : buffers.entrySet()) {
            Tensor copy = into.buffers.get(e.getKey());
            if (copy == null) into.buffers.put(e.getKey(), BufferPool.outside(e.getValue()::copy));
            else InPlace.copy(e.getValue(), copy);
        }
    }

    /** Restores what {@link #saveTo} saved, bit for bit; buffers created since are dropped. */
    void restore(Saved from) {
        step = from.step;
        buffers.keySet().retainAll(from.buffers.keySet());
        for (Map.Entry<String, Tensor> e : from.buffers.entrySet()) InPlace.copy(e.getValue(), buffer(e.getKey()));
    }

    /** A saved copy of a state (the undo of one step). */
    static final class Saved {
        long step;
        final Map<String, Tensor> buffers = new LinkedHashMap<>();
    }
}
