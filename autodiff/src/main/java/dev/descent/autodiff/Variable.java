package dev.descent.autodiff;

import dev.descent.core.BufferPool;
import dev.descent.core.Convolution;
import dev.descent.core.DType;
import dev.descent.core.InPlace;
import dev.descent.core.Pooling;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.spi.BinaryOp;
import dev.descent.core.spi.UnaryOp;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A tensor in a differentiable computation: its value, whether it requires a gradient, its accumulated gradient,
 * and the recorded operation that produced it. Operations on variables mirror the {@link Tensor} API (same names,
 * same broadcasting) and, while recording is on ({@link NoGrad}) and some input requires a gradient, record their
 * inputs and backward rule; {@link #backward()} then walks the graph in reverse and accumulates {@link #grad()}
 * on every leaf that requires one, as PyTorch does.
 *
 * <pre>{@code
 * Variable w = Variable.parameter(Tensor.of(new double[] {0.5, -1}));
 * Variable x = Variable.constant(Tensor.of(new double[] {2, 3}));
 * Variable loss = w.mul(x).sum().square();
 * loss.backward();
 * w.grad();   // d loss / d w = 2 (w·x) x = [-8, -12]
 * }</pre>
 *
 * <p>NaN and infinity propagate: a NaN produced in forward (log of a negative number, 0/0, sqrt of a negative
 * number) stays NaN in the value and in every gradient that flows through it; nothing is silently replaced.
 * Gradients accumulate across {@code backward} calls until {@link #zeroGrad()}. The graph is kept while the output
 * is reachable, so calling {@code backward} twice on the same output adds the gradients twice.
 */
public final class Variable {
    private final Tensor value;
    private final boolean requiresGrad;
    final String op;
    final Variable[] inputs;
    final Backward backward;
    private Variable grad;
    /** The buffer that holds this variable's gradient from step to step inside {@link BufferPool} scopes, or null. */
    private Tensor gradBuffer;
    private boolean retainGrad;
    private List<UnaryOperator<Variable>> hooks;

    private Variable(Tensor value, boolean requiresGrad, String op, Variable[] inputs, Backward backward) {
        if (value == null) throw new IllegalArgumentException("Variable: value must not be null");
        this.value = value;
        this.requiresGrad = requiresGrad;
        this.op = op;
        this.inputs = inputs;
        this.backward = backward;
    }

    // ---------------------------------------------------------------- creation

    /** A variable that does not require a gradient (data, targets, masks). */
    public static Variable constant(Tensor value) {
        return new Variable(value, false, null, null, null);
    }

    /**
     * A leaf that requires a gradient (a parameter or an input to differentiate by); its value must be floating.
     * Made inside a {@link BufferPool} scope, its value is kept: it outlives the scope.
     */
    public static Variable parameter(Tensor value) {
        if (value != null && !value.dtype().isFloating()) {
            throw new IllegalArgumentException("Variable.parameter: only float32 and float64 tensors can require "
                    + "gradients, got " + value.dtype() + " " + value.shape());
        }
        return new Variable(value == null ? null : BufferPool.keep(value), true, null, null, null);
    }

    /**
     * Records an operation: the output requires a gradient when recording is on and any input requires one;
     * otherwise it is a constant and {@code rule} is dropped. This is how every operation, and every user-defined
     * function ({@link Function}), enters the graph.
     */
    public static Variable record(String op, Tensor value, Backward rule, Variable... inputs) {
        if (NoGrad.isRecording()) {
            for (Variable in : inputs) {
                if (in.requiresGrad) return new Variable(value, true, op, inputs.clone(), rule);
            }
        }
        return new Variable(value, false, null, null, null);
    }

    /** A backward rule that also receives the output variable (for rules such as exp' = exp). */
    @FunctionalInterface
    interface OutputBackward {
        Variable[] apply(Variable gradOutput, Variable output);
    }

    /** {@link #record}, with the output handed to the rule, so gradients reuse it instead of recomputing. */
    static Variable recordWithOutput(String op, Tensor value, OutputBackward rule, Variable... inputs) {
        Variable[] self = new Variable[1];
        Variable out = record(op, value, g -> rule.apply(g, self[0]), inputs);
        self[0] = out;
        return out;
    }

    // ---------------------------------------------------------------- state

    /** The current value. */
    public Tensor value() {
        return value;
    }

    public Shape shape() {
        return value.shape();
    }

    public DType dtype() {
        return value.dtype();
    }

    public int rank() {
        return value.rank();
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Whether this variable was created directly rather than recorded from an operation. */
    public boolean isLeaf() {
        return backward == null;
    }

    /** The name of the operation that produced this variable, or {@code null} for a leaf. */
    public String op() {
        return op;
    }

    /**
     * The recorded operation's inputs in argument order (empty for a leaf or an unrecorded result), so that tools
     * such as an exporter can walk the graph.
     */
    public List<Variable> inputs() {
        return inputs == null ? List.of() : List.of(inputs);
    }

    /** The accumulated gradient's value, or {@code null} if none has been computed. */
    public Tensor grad() {
        Variable g = grad;
        return g == null ? null : g.value;
    }

    /** The accumulated gradient as a variable; after {@code backward(createGraph = true)} it carries a graph. */
    public Variable gradVariable() {
        return grad;
    }

    /**
     * Clears the accumulated gradient. Inside a {@link BufferPool} scope the next backward writes the gradient into
     * the same buffer again (as PyTorch reuses {@code .grad}), and the tensor {@link #grad()} returned before then
     * can no longer be used: {@code BufferPool.keep} a gradient to hold on to it (the next one then gets a buffer of
     * its own).
     */
    public synchronized void zeroGrad() {
        grad = null;
    }

    /** Keeps the gradient of this non-leaf variable in {@link #grad()} during backward (leaves always keep it). */
    public Variable retainGrad() {
        retainGrad = true;
        return this;
    }

    /**
     * Registers a hook called with this variable's gradient during backward, once it is complete and before it
     * flows on; the hook may return a replacement gradient of the same shape (to clip or rescale it) or
     * {@code null} to keep it, as PyTorch's {@code register_hook}.
     */
    public synchronized Variable registerHook(UnaryOperator<Variable> hook) {
        if (!requiresGrad) {
            throw new IllegalStateException("registerHook: this variable does not require grad " + value.shape());
        }
        if (hooks == null) hooks = new ArrayList<>();
        hooks.add(hook);
        return this;
    }

    /** The same value, cut from the graph: a constant. */
    public Variable detach() {
        return constant(value);
    }

    // ---------------------------------------------------------------- backward

    /** Backpropagates from this scalar: accumulates d(this)/d(leaf) into every leaf that requires a gradient. */
    public void backward() {
        Backprop.backward(this, null, false);
    }

    /** Backpropagates with {@code gradOutput} (of this variable's shape) as the gradient of this variable. */
    public void backward(Tensor gradOutput) {
        Backprop.backward(this, constant(gradOutput), false);
    }

    /**
     * Backpropagates, recording the backward pass itself when {@code createGraph} is set, so that the resulting
     * gradients can be differentiated again (Hessian-vector products, gradient penalties).
     */
    public void backward(Variable gradOutput, boolean createGraph) {
        Backprop.backward(this, gradOutput, createGraph);
    }

    /**
     * NOTE: the first gradient a variable keeps is copied when it carries no graph: backward rules pass one gradient
     * tensor to several inputs (add), and a caller's gradOutput may arrive here unchanged, while optimisers and
     * clipping update gradients in place.
     */
    void accumulate(Variable g) {
        synchronized (this) {
            if (BufferPool.inScope()) {
                accumulatePooled(g);
                return;
            }
            if (grad != null) grad = grad.add(g);
            else grad = g.requiresGrad() ? g : constant(g.value().copy());
        }
    }

    /**
     * NOTE: inside a BufferPool scope the gradient outlives the step that computed it (the user reads grad() after
     * the step), so it is held out of the scope's recycling; it lives in one buffer per variable, written in place
     * from step to step as PyTorch's .grad is: the first gradient after zeroGrad is copied into the reclaimed buffer,
     * later ones are added into it with the add kernel (the same values as grad.add(g)). A gradient that carries a
     * graph (createGraph) is held as it is; a gradient someone kept (BufferPool.keep) is never written again.
     */
    private void accumulatePooled(Variable g) {
        if (g.requiresGrad()) {
            grad = grad != null ? grad.add(g) : g;
            BufferPool.hold(grad.value);
            return;
        }
        Tensor v = g.value();
        if (grad != null && grad.value == gradBuffer && BufferPool.isHeld(gradBuffer)) {
            InPlace.zip(BinaryOp.ADD, gradBuffer, v, gradBuffer);
            return;
        }
        if (grad != null) {
            gradBuffer = BufferPool.hold(grad.value.add(v));
        } else {
            Tensor reused = gradBuffer != null && gradBuffer.shape().equals(v.shape()) && gradBuffer.dtype() == v.dtype()
                    && gradBuffer.backend().equals(v.backend()) ? BufferPool.reclaim(gradBuffer).orElse(null) : null;
            if (reused != null) InPlace.copy(v, reused);
            gradBuffer = reused != null ? reused : BufferPool.hold(v.copy());
        }
        grad = constant(gradBuffer);
    }

    boolean retainsGrad() {
        return retainGrad;
    }

    synchronized Variable applyHooks(Variable g) {
        if (hooks == null) return g;
        for (UnaryOperator<Variable> hook : hooks) {
            Variable replaced = hook.apply(g);
            if (replaced != null) {
                if (!replaced.shape().equals(g.shape())) {
                    throw new IllegalStateException("gradient hook: returned shape " + replaced.shape()
                            + ", expected " + g.shape());
                }
                g = replaced;
            }
        }
        return g;
    }

    // ---------------------------------------------------------------- elementwise

    // NOTE: each of add, sub, mul and div takes a Variable, a constant Tensor or a Java number, as torch's
    // operators take a tensor or a number; a Tensor or a number is a constant, so no gradient flows to it.

    public Variable add(Variable other) { return Elementwise.add(this, other); }

    /** Adds a constant tensor (broadcast; no gradient flows to it). */
    public Variable add(Tensor constant) { return Elementwise.add(this, constant(constant)); }

    public Variable add(double other) { return Elementwise.add(this, scalarLike(other)); }

    public Variable sub(Variable other) { return Elementwise.sub(this, other); }

    /** Subtracts a constant tensor (broadcast; no gradient flows to it). */
    public Variable sub(Tensor constant) { return Elementwise.sub(this, constant(constant)); }

    public Variable sub(double other) { return Elementwise.sub(this, scalarLike(other)); }

    public Variable mul(Variable other) { return Elementwise.mul(this, other); }

    /** Multiplies by a constant tensor, such as a dropout mask (broadcast; no gradient flows to it). */
    public Variable mul(Tensor constant) { return Elementwise.mul(this, constant(constant)); }

    public Variable mul(double other) { return Elementwise.mul(this, scalarLike(other)); }

    public Variable div(Variable other) { return Elementwise.div(this, other); }

    /** Divides by a constant tensor (broadcast; no gradient flows to it). */
    public Variable div(Tensor constant) { return Elementwise.div(this, constant(constant)); }

    public Variable div(double other) { return Elementwise.div(this, scalarLike(other)); }

    /** {@code this ^ exponent} elementwise; the exponent is differentiated too. */
    public Variable pow(Variable exponent) { return Elementwise.pow(this, exponent); }

    public Variable pow(double exponent) { return Elementwise.pow(this, exponent); }

    public Variable neg() { return Elementwise.neg(this); }

    public Variable exp() { return Elementwise.exp(this); }

    public Variable log() { return Elementwise.log(this); }

    public Variable log1p() { return Elementwise.log1p(this); }

    /** {@code exp(x) - 1}, accurate near 0; its gradient is {@code g (y + 1)}, as PyTorch's. */
    public Variable expm1() {
        return recordWithOutput("expm1", value.map(UnaryOp.EXPM1), (g, y) -> new Variable[] {g.mul(y.add(1.0))}, this);
    }

    /** Square root; its derivative at 0 is +inf, as in PyTorch. */
    public Variable sqrt() { return Elementwise.sqrt(this); }

    /** |x|; its derivative at 0 is 0. */
    public Variable abs() { return Elementwise.abs(this); }

    public Variable square() { return Elementwise.square(this); }

    public Variable reciprocal() { return Elementwise.reciprocal(this); }

    public Variable sin() { return Elementwise.sin(this); }

    public Variable cos() { return Elementwise.cos(this); }

    public Variable tanh() { return Elementwise.tanh(this); }

    public Variable sigmoid() { return Elementwise.sigmoid(this); }

    public Variable erf() { return Elementwise.erf(this); }

    /** max(x, 0); its derivative at 0 is 0. */
    public Variable relu() { return Elementwise.relu(this); }

    /** {@code x > 0 ? x : slope x}; its derivative at 0 is {@code slope}. */
    public Variable leakyRelu(double slope) { return Elementwise.leakyRelu(this, slope); }

    /** {@code x > 0 ? x : alpha (exp(x) - 1)}; its derivative at 0 is {@code alpha}. */
    public Variable elu(double alpha) { return Elementwise.elu(this, alpha); }

    /** {@code log(1 + exp(x))} with PyTorch's threshold: x itself above 20. */
    public Variable softplus() { return Elementwise.softplus(this); }

    /** GELU, exact: {@code x/2 (1 + erf(x / sqrt 2))}. */
    public Variable gelu() { return Composites.gelu(this); }

    /** GELU, tanh approximation: {@code x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}. */
    public Variable geluTanh() { return Composites.geluTanh(this); }

    /** {@code min(max(x, min), max)}; the gradient passes where {@code min <= x <= max}. */
    public Variable clamp(double min, double max) { return Elementwise.clamp(this, min, max); }

    /** Elementwise maximum; where both are equal each receives half of the gradient. */
    public Variable maximum(Variable other) { return Elementwise.extremum(this, other, true); }

    /** Elementwise minimum; where both are equal each receives half of the gradient. */
    public Variable minimum(Variable other) { return Elementwise.extremum(this, other, false); }

    /** {@code condition != 0 ? a : b}, with broadcasting; the condition is not differentiated. */
    public static Variable where(Tensor condition, Variable a, Variable b) { return Elementwise.where(condition, a, b); }

    // ---------------------------------------------------------------- reductions

    public Variable sum() { return Reducing.sum(this, new int[0], false); }

    public Variable sum(int axis) { return Reducing.sum(this, new int[] {axis}, false); }

    public Variable sum(int axis, boolean keepDims) { return Reducing.sum(this, new int[] {axis}, keepDims); }

    public Variable sum(int[] axes, boolean keepDims) { return Reducing.sum(this, axes, keepDims); }

    public Variable mean() { return Reducing.mean(this, new int[0], false); }

    public Variable mean(int axis) { return Reducing.mean(this, new int[] {axis}, false); }

    public Variable mean(int axis, boolean keepDims) { return Reducing.mean(this, new int[] {axis}, keepDims); }

    public Variable mean(int[] axes, boolean keepDims) { return Reducing.mean(this, axes, keepDims); }

    /** The maximum; tied maxima share the gradient equally ({@code torch.amax}). */
    public Variable max() { return Reducing.extremum(this, new int[0], false, true); }

    public Variable max(int axis) { return Reducing.extremum(this, new int[] {axis}, false, true); }

    public Variable max(int axis, boolean keepDims) { return Reducing.extremum(this, new int[] {axis}, keepDims, true); }

    public Variable max(int[] axes, boolean keepDims) { return Reducing.extremum(this, axes, keepDims, true); }

    /** The minimum; tied minima share the gradient equally ({@code torch.amin}). */
    public Variable min() { return Reducing.extremum(this, new int[0], false, false); }

    public Variable min(int axis) { return Reducing.extremum(this, new int[] {axis}, false, false); }

    public Variable min(int axis, boolean keepDims) { return Reducing.extremum(this, new int[] {axis}, keepDims, false); }

    public Variable min(int[] axes, boolean keepDims) { return Reducing.extremum(this, axes, keepDims, false); }

    /** Unbiased variance over all elements (correction 1). */
    public Variable variance() { return Composites.variance(this, new int[0], false, 1); }

    public Variable variance(int axis) { return Composites.variance(this, new int[] {axis}, false, 1); }

    public Variable variance(int[] axes, boolean keepDims, int correction) {
        return Composites.variance(this, axes, keepDims, correction);
    }

    /** {@code log(sum(exp(x)))} along {@code axis}, computed as {@code m + log(sum(exp(x - m)))} with m the max. */
    public Variable logSumExp(int axis, boolean keepDims) { return Composites.logSumExp(this, axis, keepDims); }

    /** Softmax along {@code axis}, stable for large logits. */
    public Variable softmax(int axis) { return Composites.softmax(this, axis); }

    /**
     * Log-softmax along {@code axis}: {@code (x - max) - log(sum(exp(x - max)))}, as PyTorch computes it, accurate to
     * a few units of roundoff relative to each result for logits of any magnitude.
     */
    public Variable logSoftmax(int axis) { return Composites.logSoftmax(this, axis); }

    // ---------------------------------------------------------------- linear algebra

    /** Matrix product with {@code torch.matmul}'s vector and batch rules. */
    public Variable matmul(Variable other) { return LinearAlgebra.matmul(this, other); }

    /**
     * {@code this·weight + bias} for a batch of rows {@code (batch, in)}, {@code weight (in, out)} and
     * {@code bias (out,)}: one GEMM onto the bias rows (PyTorch's {@code addmm}), equal to
     * {@code matmul(weight).add(bias)} up to rounding. {@code Linear} uses it for 2-D inputs.
     */
    public Variable linear(Variable weight, Variable bias) {
        return LinearAlgebra.linear(this, weight, bias);
    }

    /** {@code op(this) · op(other)}, transposing the last two axes of either without materialising it. */
    public Variable matmul(Variable other, boolean transposeThis, boolean transposeOther) {
        return LinearAlgebra.matmul(this, other, transposeThis, transposeOther);
    }

    // ---------------------------------------------------------------- convolution and pooling

    /**
     * {@code torch.nn.functional.conv2d(this, weight, bias, ...)} for this {@code (N, C, H, W)} and weight
     * {@code (O, C / groups, kH, kW)}; {@code bias} {@code (O,)} may be null. Differentiable to any order.
     */
    public Variable conv2d(Variable weight, Variable bias, Convolution.Options options) {
        return Convolutions.conv2d(this, weight, bias, options);
    }

    /**
     * {@code torch.nn.functional.conv1d} for this {@code (N, C, L)} and weight {@code (O, C / groups, k)}, with the
     * options' width entries (stride, padding, dilation; the height entries 1, 0, 1).
     */
    public Variable conv1d(Variable weight, Variable bias, Convolution.Options options) {
        return Convolutions.conv1d(this, weight, bias, options);
    }

    /**
     * {@code torch.nn.functional.conv_transpose2d(this, weight, bias, stride, padding, output_padding, groups,
     * dilation)} for weight {@code (C, O / groups, kH, kW)}: the gradient of the matching convolution with respect to
     * its input. The output padding adds rows and columns after the last (each smaller than the stride).
     */
    public Variable convTranspose2d(Variable weight, Variable bias, Convolution.Options options, int outputPaddingH,
                                    int outputPaddingW) {
        return Convolutions.convTranspose2d(this, weight, bias, options, outputPaddingH, outputPaddingW);
    }

    /** {@code torch.nn.functional.max_pool2d} over the last two axes; the gradient goes to each first maximum. */
    public Variable maxPool2d(Pooling.Options options) {
        return Pools.maxPool2d(this, options);
    }

    /** {@code torch.nn.functional.max_pool1d} over the last axis, with the options' width entries. */
    public Variable maxPool1d(Pooling.Options options) {
        return Pools.maxPool1d(this, options);
    }

    /** {@code torch.nn.functional.avg_pool2d} over the last two axes (dilation 1). */
    public Variable avgPool2d(Pooling.Options options, boolean countIncludePad) {
        return Pools.avgPool2d(this, options, countIncludePad);
    }

    /** {@code torch.nn.functional.adaptive_avg_pool2d} to {@code outH x outW} over the last two axes. */
    public Variable adaptiveAvgPool2d(int outH, int outW) {
        return Pools.adaptiveAvgPool2d(this, outH, outW);
    }

    // ---------------------------------------------------------------- recurrences

    /**
     * The Elman RNN's recurrence {@code h_t = act(xp_t + h_{t-1} W_hh^T + b_hh)} over a whole sequence, with act
     * tanh or ReLU, as one operation (back-propagation through time in one loop). {@code inputProjection} is
     * {@code (T, B, H)} (each step's {@code x_t W_ih^T + b_ih}), {@code h0} {@code (B, H)}, {@code weightHh}
     * {@code (H, H)} in PyTorch's layout, {@code biasHh} {@code (H)} or null; {@code lengths} (one per sequence, in
     * {@code 1..T}, or null) stops each sequence early: its later outputs are 0 and its state is kept. Returns
     * {@code (T + 1, B, H)}: the outputs, then the final state {@code h_n}.
     */
    public static Variable rnnScan(Variable inputProjection, Variable h0, Variable weightHh, Variable biasHh,
                                   boolean relu, int[] lengths) {
        return Recurrences.scan(relu ? Recurrences.Cell.RNN_RELU : Recurrences.Cell.RNN_TANH, inputProjection, h0, null,
                weightHh, biasHh, lengths);
    }

    /**
     * The LSTM's recurrence with PyTorch's gate order (i, f, g, o): {@code c_t = f c_{t-1} + i g},
     * {@code h_t = o tanh(c_t)}, the gates from {@code xp_t + h_{t-1} W_hh^T + b_hh} with {@code inputProjection}
     * {@code (T, B, 4H)}, {@code weightHh} {@code (4H, H)}. As {@link #rnnScan}, with the cell state {@code c0}
     * {@code (B, H)}; returns {@code (T + 2, B, H)}: the outputs, {@code h_n}, {@code c_n}.
     */
    public static Variable lstmScan(Variable inputProjection, Variable h0, Variable c0, Variable weightHh,
                                    Variable biasHh, int[] lengths) {
        return Recurrences.scan(Recurrences.Cell.LSTM, inputProjection, h0, c0, weightHh, biasHh, lengths);
    }

    /**
     * The GRU's recurrence with PyTorch's gate order (r, z, n) and {@code b_hn} inside the reset product:
     * {@code n = tanh(xp_n + r (h W_hn^T + b_hn))}, {@code h_t = (1 - z) n + z h_{t-1}}, with
     * {@code inputProjection} {@code (T, B, 3H)}, {@code weightHh} {@code (3H, H)}. As {@link #rnnScan}; returns
     * {@code (T + 1, B, H)}.
     */
    public static Variable gruScan(Variable inputProjection, Variable h0, Variable weightHh, Variable biasHh,
                                   int[] lengths) {
        return Recurrences.scan(Recurrences.Cell.GRU, inputProjection, h0, null, weightHh, biasHh, lengths);
    }

    // ---------------------------------------------------------------- movement

    public Variable reshape(int... dims) { return Shaping.reshape(this, dims); }

    public Variable flatten() { return Shaping.reshape(this, new int[] {value.size()}); }

    /** Swaps the last two axes. */
    public Variable transpose() {
        if (rank() < 2) value.transpose(); // throws the tensor API's message
        return Shaping.permute(this, swapLastTwo(rank()));
    }

    public Variable transpose(int axis0, int axis1) {
        int[] axes = identity(rank());
        int a = value.shape().axis("transpose", axis0), b = value.shape().axis("transpose", axis1);
        axes[a] = b;
        axes[b] = a;
        return Shaping.permute(this, axes);
    }

    public Variable permute(int... axes) { return Shaping.permute(this, axes); }

    public Variable squeeze() { return Shaping.reshape(this, value.squeeze().shape().dims()); }

    public Variable squeeze(int axis) { return Shaping.reshape(this, value.squeeze(axis).shape().dims()); }

    public Variable unsqueeze(int axis) { return Shaping.reshape(this, value.shape().insert(axis).dims()); }

    public Variable broadcastTo(int... dims) { return Shaping.broadcastTo(this, Shape.of(dims)); }

    public Variable broadcastTo(Shape shape) { return Shaping.broadcastTo(this, shape); }

    /** Sums this (broadcast) variable down to {@code shape}: the adjoint of {@link #broadcastTo}. */
    public Variable sumTo(Shape shape) { return Shaping.sumTo(this, shape); }

    public Variable slice(int axis, int start, int end) { return Shaping.slice(this, axis, start, end, 1); }

    public Variable slice(int axis, int start, int end, int step) { return Shaping.slice(this, axis, start, end, step); }

    public static Variable concat(int axis, Variable... parts) { return Shaping.concat(axis, parts); }

    public static Variable stack(int axis, Variable... parts) { return Shaping.stack(axis, parts); }

    /** The slices {@code index[0], index[1], ...} along {@code axis}; index is 1-D INT32. */
    public Variable indexSelect(int axis, Tensor index) { return Shaping.indexSelect(this, axis, index); }

    /** {@code torch.gather} along {@code axis}. */
    public Variable gather(int axis, Tensor index) { return Shaping.gather(this, axis, index); }

    /** This variable with {@code source}'s slices added at {@code index} along {@code axis}. */
    public Variable indexAdd(int axis, Tensor index, Variable source) { return Shaping.indexAdd(this, axis, index, source); }

    /** This variable with {@code source} added at the {@code torch.gather} positions of {@code index}. */
    public Variable scatterAdd(int axis, Tensor index, Variable source) {
        return Shaping.scatterAdd(this, axis, index, source);
    }

    // ---------------------------------------------------------------- helpers

    /** A constant scalar with this variable's backend and dtype. */
    Variable scalarLike(double v) {
        return constant(Tensor.on(value.backend(), value.dtype()).scalar(v));
    }

    static int[] identity(int rank) {
        int[] a = new int[rank];
        for (int i = 0; i < rank; i++) a[i] = i;
        return a;
    }

    private static int[] swapLastTwo(int rank) {
        int[] a = identity(rank);
        a[rank - 2] = rank - 1;
        a[rank - 1] = rank - 2;
        return a;
    }

    @Override
    public String toString() {
        return "Variable(" + value + (requiresGrad ? ", requiresGrad" + (op == null ? "" : ", op=" + op) : "") + ")";
    }
}
