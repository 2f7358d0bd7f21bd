package dev.descent.optim;

import dev.descent.core.DType;
import dev.descent.core.InPlace;
import dev.descent.core.Tensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The state an optimiser keeps for one parameter: its step count, its named buffers (moments, accumulators; shaped
 * like the parameter, or float64 scalars) and scratch tensors for the update. Buffers keep PyTorch's names
 * ({@code exp_avg}, {@code exp_avg_sq}, {@code momentum_buffer}, {@code sum}, ...) so state dicts read alike.
 *
 * <p>An optimiser declares its buffers in {@code initState} and reads them in {@code update}:
 * <pre>{@code
 * protected void initState(ParamState s, Options o) { s.buffer("exp_avg"); s.buffer("sum", o.initial()); }
 * protected void update(Tensor p, Tensor g, ParamState s, Options o) { Tensor m = s.buffer("exp_avg"); ... }
 * }</pre>
 *
 * <p>A state created to validate a state dict is a dry run: it records the declared names and shapes without
 * allocating, and its declaring methods return {@code null}.
 */
public final class ParamState {
    private final Tensor param;
    private final boolean dry;
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Boolean> declared = new LinkedHashMap<>();
    private final Tensor[] scratch = new Tensor[2];
    final Tensor grad;
    long step;

    ParamState(Tensor param, boolean dry) {
        this.param = param;
        this.dry = dry;
        this.grad = dry ? null : param.zerosLike();
    }

    /** The number of steps taken with this parameter, counting the one in progress during {@code update}. */
    public long step() {
        return step;
    }

    /** The buffer {@code name}, created zero-filled and shaped like the parameter if it does not exist yet. */
    public Tensor buffer(String name) {
        return buffer(name, 0.0);
    }

    /** The buffer {@code name}, created filled with {@code initial} and shaped like the parameter if absent. */
    public Tensor buffer(String name, double initial) {
        Tensor b = buffers.get(name);
        if (b != null) return b;
        declared.put(name, Boolean.FALSE);
        if (dry) return null;
        b = initial == 0 ? param.zerosLike() : param.fullLike(initial);
        buffers.put(name, b);
        return b;
    }

    /** The float64 scalar buffer {@code name}, created holding {@code initial} if absent. */
    public Tensor scalar(String name, double initial) {
        Tensor b = buffers.get(name);
        if (b != null) return b;
        declared.put(name, Boolean.TRUE);
        if (dry) return null;
        b = Tensor.on(param.backend(), DType.FLOAT64).scalar(initial);
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
        if (t == null) scratch[k] = t = param.zerosLike();
        return t;
    }

    /** The buffers in declaration order (read-only view). */
    Map<String, Tensor> buffers() {
        return Collections.unmodifiableMap(buffers);
    }

    /** Declared names, each mapped to whether it is a scalar (for dry states). */
    Map<String, Boolean> declared() {
        return declared;
    }

    /** Drops every buffer whose name is not in {@code keep}. */
    void retain(java.util.Set<String> keep) {
        buffers.keySet().retainAll(keep);
        declared.keySet().retainAll(keep);
    }

    /** Copies {@code value} into buffer {@code name} (validated by the caller). */
    void load(String name, Tensor value) {
        Tensor b = buffers.get(name);
        InPlace.copy(value.backend() == b.backend() ? value : value.to(b.backend()), b);
    }
}
