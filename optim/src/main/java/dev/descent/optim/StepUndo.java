package dev.descent.optim;

import dev.descent.autodiff.Variable;
import dev.descent.core.BufferPool;
import dev.descent.core.InPlace;
import dev.descent.core.Tensor;

/**
 * The undo of one optimiser step: copies of the parameters that had a gradient and of their state, taken just
 * before the step (into tensors reused from step to step), restored bit for bit on request.
 */
final class StepUndo {
    private final Tensor[] values;
    private final ParamState.Saved[] saved;
    private final boolean[] stepped, hadState;
    private boolean ready;

    StepUndo(int n) {
        values = new Tensor[n];
        saved = new ParamState.Saved[n];
        stepped = new boolean[n];
        hadState = new boolean[n];
    }

    /** Keeps what the coming step may change. */
    void save(Variable[] params, ParamState[] states) {
        for (int i = 0; i < params.length; i++) {
            stepped[i] = params[i].grad() != null;
            if (!stepped[i]) continue;
            if (values[i] == null) values[i] = BufferPool.outside(params[i].value()::copy); // reused every step
            else InPlace.copy(params[i].value(), values[i]);
            hadState[i] = states[i] != null;
            if (!hadState[i]) continue;
            if (saved[i] == null) saved[i] = new ParamState.Saved();
            states[i].saveTo(saved[i]);
        }
        ready = true;
    }

    /** Puts back what {@link #save} kept; false when there is nothing to undo. */
    boolean restore(Variable[] params, ParamState[] states) {
        if (!ready) return false;
        for (int i = 0; i < params.length; i++) {
            if (!stepped[i]) continue;
            InPlace.copy(values[i], params[i].value());
            if (hadState[i]) states[i].restore(saved[i]);
            else states[i] = null;
        }
        ready = false;
        return true;
    }

    void forget() {
        ready = false;
    }
}
