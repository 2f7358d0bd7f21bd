package dev.descent.nn.activations;

import dev.descent.autodiff.Variable;
import dev.descent.nn.Module;

/** Log-softmax along an axis, finite for logits of any size. */
public final class LogSoftmax extends Module {
    private final int axis;

    public LogSoftmax(int axis) {
        this.axis = axis;
    }

    /** The axis the log-softmax normalises along. */
    public int axis() {
        return axis;
    }

    @Override
    public Variable forward(Variable x) {
        return x.logSoftmax(axis);
    }

    @Override
    protected String describe() {
        return "LogSoftmax(axis=" + axis + ")";
    }
}
