package dev.descent.bench;

import dev.descent.autodiff.Variable;
import dev.descent.core.BufferPool;
import dev.descent.optim.Optimizer;

import java.util.function.Supplier;

/** The training step every step benchmark times: zero the gradients, backward of the loss, one optimiser step. */
final class Steps {
    private Steps() {
    }

    /**
     * One step of {@code opt} on the loss {@code loss} computes, in a scope of {@code buffers} (as a training loop that
     * reuses its buffers runs it), or outside any scope when {@code buffers} is null.
     */
    static <O extends Optimizer<?>> O step(BufferPool buffers, O opt, Supplier<Variable> loss) {
        try (BufferPool.Scope scope = buffers == null ? null : buffers.open()) {
            opt.zeroGrad();
            loss.get().backward();
            opt.step();
        }
        return opt;
    }
}
