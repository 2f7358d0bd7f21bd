package dev.descent.nn.activations;

import dev.descent.autodiff.Variable;
import dev.descent.nn.Module;

/** Softmax along an axis (the last by default). */
public final class Softmax extends Module {
    private final int axis;

    public Softmax(int axis) {
        this.axis = axis;
    }

    /** The axis the softmax normalises along. */
    public int axis() {
        return axis;
    }

    @Override
    public Variable forward(Variable x) {
        return x.softmax(axis);
    }

    @Override
    protected String describe() {
        return "Softmax(axis=" + axis + ")";
    }
}
