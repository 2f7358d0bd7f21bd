package dev.descent.autodiff;

import dev.descent.core.DType;
import dev.descent.core.InPlace;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.spi.BinaryOp;
import dev.descent.core.spi.UnaryOp;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The recurrences of the Elman RNN, the LSTM and the GRU over a whole sequence, as one operation each, so that the
 * backward pass is one loop of back-propagation through time (PyTorch's and cuDNN's formulas) instead of a graph
 * of dozens of nodes per step. The input projection {@code x_t W_ih^T + b_ih} of every step is computed before,
 * by the caller, as one GEMM; here each step adds {@code h_{t-1} W_hh^T + b_hh} and applies the cell:
 *
 * <pre>
 * RNN:  h_t = act(xp_t + h_{t-1} W_hh^T + b_hh)                        act = tanh or relu
 * LSTM: (i, f, g, o) = (σ, σ, tanh, σ)(xp_t + h_{t-1} W_hh^T + b_hh)   gates in this order, H columns each
 *       c_t = f c_{t-1} + i g,  h_t = o tanh(c_t)
 * GRU:  (r, z) = σ(xp_t[r, z] + gh[r, z]),  gh = h_{t-1} W_hh^T + b_hh
 *       n = tanh(xp_t[n] + r gh[n]),  h_t = (1 - z) n + z h_{t-1}    (b_hn inside the reset product)
 * </pre>
 *
 * <p>With {@code lengths}, sequence {@code b} stops after {@code lengths[b]} steps: its later outputs are 0 and its
 * state is carried unchanged to the end, so the final state is the one at its last valid step (what
 * {@code pack_padded_sequence} gives). The output stacks the {@code T} outputs, then {@code h_n} (and {@code c_n}
 * for the LSTM): shape {@code (T + 1, B, H)} ({@code (T + 2, B, H)} for the LSTM).
 *
 * <p>The forward pass runs the recurrence on tensors, in place where it can (one {@code h W_hh^T + b_hh} buffer for
 * every step, the gate pre-activations activated where they lie), with the same kernels in the same order as the
 * composed definition, so it gives the same values; it keeps each step's gate activations for the backward loop. NOTE: when the backward pass is itself recorded
 * ({@code createGraph}), the gradients are those of the same recurrence recorded step by step, so they can be
 * differentiated to any order; otherwise they come from the backward loop, which equals them up to rounding.
 */
final class Recurrences {
    private Recurrences() {
    }

    /** The cell: how many gate blocks of H columns its projections have, and its name. */
    enum Cell {
        RNN_TANH(1, "rnnScan"), RNN_RELU(1, "rnnScan"), LSTM(4, "lstmScan"), GRU(3, "gruScan");

        final int gates;
        final String op;

        Cell(int gates, String op) {
            this.gates = gates;
            this.op = op;
        }
    }

    /**
     * @param xp      the input projections {@code (T, B, G H)}
     * @param h0      the initial hidden state {@code (B, H)}
     * @param c0      the initial cell state {@code (B, H)} (LSTM only, else null)
     * @param whh     the hidden weights {@code (G H, H)}, PyTorch's layout
     * @param bhh     the hidden bias {@code (G H)}, or null
     * @param lengths each sequence's length in {@code 1..T}, or null for all {@code T}
     */
    static Variable scan(Cell cell, Variable xp, Variable h0, Variable c0, Variable whh, Variable bhh, int[] lengths) {
        Dims d = check(cell, xp, h0, c0, whh, bhh, lengths);
        Tensor[] masks = masks(xp.value(), d, lengths);
        Variable[] inputs = cell == Cell.LSTM
                ? (bhh == null ? new Variable[] {xp, h0, c0, whh} : new Variable[] {xp, h0, c0, whh, bhh})
                : (bhh == null ? new Variable[] {xp, h0, whh} : new Variable[] {xp, h0, whh, bhh});
        Forward f = keeping(whh.value(), () -> forward(cell, d, inputs, masks));
        return Variable.record(cell.op, f.out, g -> {
            if (NoGrad.isRecording()) return composedGradients(cell, inputs, g, lengths);
            Tensor[] grads = keeping(whh.value(),
                    () -> backward(cell, d, f, g.value(), whh.value(), bhh != null, h0.requiresGrad(), masks));
            Variable[] out = new Variable[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                out[i] = inputs[i].requiresGrad() ? Variable.constant(grads[i]) : null;
            }
            return out;
        }, inputs);
    }

    record Dims(int steps, int batch, int hidden, int gates) {
    }

    /**
     * {@code loop}'s result, computed with the hidden weight kept by its backend as a GEMM operand: a backend that
     * copies operands into native memory copies it once for the loop's {@code T} products, not once per step.
     */
    @SuppressWarnings("unchecked")
    private static <R> R keeping(Tensor whh, Supplier<R> loop) {
        Object[] result = new Object[1];
        InPlace.withGemmOperand(whh, () -> result[0] = loop.get());
        return (R) result[0];
    }

    // ---------------------------------------------------------------- checks

    private static Dims check(Cell cell, Variable xp, Variable h0, Variable c0, Variable whh, Variable bhh,
                              int[] lengths) {
        String op = cell.op;
        if (whh.rank() != 2 || whh.shape().dim(0) != cell.gates * whh.shape().dim(1)) {
            throw new IllegalArgumentException(op + ": expected the hidden weight (" + cell.gates + " H, H), got "
                    + whh.shape());
        }
        int hidden = whh.shape().dim(1), gh = cell.gates * hidden;
        if (xp.rank() != 3 || xp.shape().dim(2) != gh || xp.shape().dim(0) < 1) {
            throw new IllegalArgumentException(op + ": expected input projections (T >= 1, B, " + gh + "), got "
                    + xp.shape());
        }
        int steps = xp.shape().dim(0), batch = xp.shape().dim(1);
        Shape state = Shape.of(batch, hidden);
        same(op, "h0", state, h0, xp);
        if (cell == Cell.LSTM) {
            if (c0 == null) throw new IllegalArgumentException(op + ": the LSTM needs an initial cell state c0");
            same(op, "c0", state, c0, xp);
        } else if (c0 != null) {
            throw new IllegalArgumentException(op + ": only the LSTM has a cell state, got c0 " + c0.shape());
        }
        same(op, "weight_hh", whh.shape(), whh, xp);
        if (bhh != null) same(op, "bias_hh", Shape.of(gh), bhh, xp);
        if (lengths != null) {
            if (lengths.length != batch) {
                throw new IllegalArgumentException(op + ": expected " + batch + " lengths (one per sequence), got "
                        + lengths.length);
            }
            for (int b = 0; b < batch; b++) {
                if (lengths[b] < 1 || lengths[b] > steps) {
                    throw new IllegalArgumentException(op + ": length " + b + " is " + lengths[b] + ", expected 1.."
                            + steps);
                }
            }
        }
        return new Dims(steps, batch, hidden, cell.gates);
    }

    private static void same(String op, String name, Shape expected, Variable v, Variable like) {
        if (!v.shape().equals(expected)) {
            throw new IllegalArgumentException(op + ": expected " + name + " of shape " + expected + ", got " + v.shape());
        }
        if (v.dtype() != like.dtype() || !v.value().backend().equals(like.value().backend())) {
            throw new IllegalArgumentException(op + ": " + name + " is " + v.dtype() + " on " + v.value().backend().name()
                    + ", expected " + like.dtype() + " on " + like.value().backend().name() + " as the input");
        }
    }

    /** One {@code (B, 1)} mask per step (1 while the step is inside the sequence), or null without lengths. */
    private static Tensor[] masks(Tensor like, Dims d, int[] lengths) {
        if (lengths == null) return null;
        boolean any = false;
        for (int len : lengths) any |= len < d.steps;
        if (!any) return null;
        Tensor[] masks = new Tensor[d.steps];
        for (int t = 0; t < d.steps; t++) {
            double[] m = new double[d.batch];
            for (int b = 0; b < d.batch; b++) m[b] = t < lengths[b] ? 1 : 0;
            masks[t] = Tensor.on(like.backend(), DType.FLOAT64).of(m, d.batch, 1).to(like.dtype());
        }
        return masks;
    }

    // ---------------------------------------------------------------- forward

    /** The output and, per step, what the backward needs. */
    private record Forward(Tensor out, Tensor[] hPrev, Tensor[][] saved) {
    }

    private static Forward forward(Cell cell, Dims d, Variable[] inputs, Tensor[] masks) {
        Tensor[] hPrev = new Tensor[d.steps];
        Tensor[][] saved = new Tensor[d.steps][];
        boolean lstm = cell == Cell.LSTM;
        Tensor xp = inputs[0].value(), h = inputs[1].value(), c = lstm ? inputs[2].value() : null;
        Tensor whh = inputs[lstm ? 3 : 2].value();
        Tensor bhh = inputs.length > (lstm ? 4 : 3) ? inputs[lstm ? 4 : 3].value() : null;
        int n = d.hidden;
        // one buffer for h W_hh^T + b_hh, reused by every step, and one (B, H) scratch
        Tensor gh = zeros(xp, d.batch, d.gates * n), tmp = zeros(xp, d.batch, n);
        // the step's input projections, in one buffer for every step but in the Elman RNN's (whose output it becomes)
        boolean elman = cell == Cell.RNN_TANH || cell == Cell.RNN_RELU;
        Tensor xStep = elman ? null : zeros(xp, 1, d.batch, d.gates * n);
        Tensor[] rows = new Tensor[d.steps + (lstm ? 2 : 1)];
        for (int t = 0; t < d.steps; t++) {
            Tensor x;
            if (elman) {
                x = xp.slice(0, t, t + 1).reshape(d.batch, d.gates * n);
            } else {
                InPlace.slice(xp, 0, t, xStep);
                x = xStep.reshape(d.batch, d.gates * n);
            }
            InPlace.matmul(h, whh, false, true, gh);
            if (bhh != null) InPlace.zip(BinaryOp.ADD, gh, bhh, gh);
            Tensor hNew, cNew = null;
            switch (cell) {
                case RNN_TANH, RNN_RELU -> {
                    InPlace.zip(BinaryOp.ADD, x, gh, x);
                    InPlace.map(cell == Cell.RNN_TANH ? UnaryOp.TANH : UnaryOp.RELU, x, 0, 0, x);
                    hNew = x;
                    saved[t] = new Tensor[] {hNew};
                }
                case LSTM -> {
                    InPlace.zip(BinaryOp.ADD, x, gh, x);
                    Tensor i = gate(x, 0, n, UnaryOp.SIGMOID), f = gate(x, 1, n, UnaryOp.SIGMOID);
                    Tensor g = gate(x, 2, n, UnaryOp.TANH), o = gate(x, 3, n, UnaryOp.SIGMOID);
                    cNew = f.mul(c);
                    InPlace.zip(BinaryOp.MUL, i, g, tmp);
                    InPlace.zip(BinaryOp.ADD, cNew, tmp, cNew);
                    Tensor tc = cNew.tanh();
                    hNew = o.mul(tc);
                    saved[t] = new Tensor[] {i, f, g, o, c, tc};
                }
                case GRU -> {
                    Tensor xn = x.slice(1, 2 * n, 3 * n), ghn = gh.slice(1, 2 * n, 3 * n);
                    InPlace.zip(BinaryOp.ADD, x, gh, x); // only the r and z blocks of this sum are read
                    Tensor r = gate(x, 0, n, UnaryOp.SIGMOID), z = gate(x, 1, n, UnaryOp.SIGMOID);
                    InPlace.zip(BinaryOp.MUL, r, ghn, tmp);
                    InPlace.zip(BinaryOp.ADD, xn, tmp, xn);
                    InPlace.map(UnaryOp.TANH, xn, 0, 0, xn);
                    hNew = h.sub(xn);
                    InPlace.zip(BinaryOp.MUL, z, hNew, hNew);
                    InPlace.zip(BinaryOp.ADD, xn, hNew, hNew);
                    saved[t] = new Tensor[] {r, z, xn, ghn};
                }
                default -> throw new IllegalStateException(cell.toString());
            }
            hPrev[t] = h;
            if (masks == null) {
                rows[t] = hNew;
                h = hNew;
                c = cNew;
            } else {
                Tensor m = masks[t];
                rows[t] = hNew.mul(m);
                h = Tensor.where(m, hNew, h);
                if (cNew != null) c = Tensor.where(m, cNew, c);
            }
        }
        rows[d.steps] = h;
        if (lstm) rows[d.steps + 1] = c;
        return new Forward(Tensor.stack(0, rows), hPrev, saved);
    }

    /** Gate block {@code k} (H columns) of the pre-activations {@code a}, activated: a new tensor. */
    private static Tensor gate(Tensor a, int k, int n, UnaryOp act) {
        Tensor out = a.slice(1, k * n, (k + 1) * n);
        InPlace.map(act, out, 0, 0, out);
        return out;
    }

    private static Tensor zeros(Tensor like, int... dims) {
        return Tensor.on(like.backend(), like.dtype()).zeros(dims);
    }

    /**
     * The recurrence on {@code inputs} (xp, h0, [c0], whh, [bhh]) as primitive operations, recorded: the composed
     * definition. {@link #forward} computes the same values with the same kernels in the same order, in place where
     * it can.
     */
    private static Variable run(Cell cell, Dims d, Variable[] inputs, Tensor[] masks) {
        boolean lstm = cell == Cell.LSTM;
        Variable xp = inputs[0], h = inputs[1], c = lstm ? inputs[2] : null, whh = inputs[lstm ? 3 : 2];
        Variable bhh = inputs.length > (lstm ? 4 : 3) ? inputs[lstm ? 4 : 3] : null;
        int n = d.hidden;
        List<Variable> rows = new ArrayList<>(d.steps + 2);
        for (int t = 0; t < d.steps; t++) {
            Variable x = xp.slice(0, t, t + 1).reshape(d.batch, d.gates * n);
            Variable gh = h.matmul(whh, false, true);
            if (bhh != null) gh = gh.add(bhh);
            Variable hNew, cNew = null;
            switch (cell) {
                case RNN_TANH, RNN_RELU -> {
                    Variable a = x.add(gh);
                    hNew = cell == Cell.RNN_TANH ? a.tanh() : a.relu();
                }
                case LSTM -> {
                    Variable a = x.add(gh);
                    Variable i = a.slice(1, 0, n).sigmoid(), f = a.slice(1, n, 2 * n).sigmoid();
                    Variable g = a.slice(1, 2 * n, 3 * n).tanh(), o = a.slice(1, 3 * n, 4 * n).sigmoid();
                    cNew = f.mul(c).add(i.mul(g));
                    Variable tc = cNew.tanh();
                    hNew = o.mul(tc);
                }
                case GRU -> {
                    Variable r = x.slice(1, 0, n).add(gh.slice(1, 0, n)).sigmoid();
                    Variable z = x.slice(1, n, 2 * n).add(gh.slice(1, n, 2 * n)).sigmoid();
                    Variable ghn = gh.slice(1, 2 * n, 3 * n);
                    Variable nn = x.slice(1, 2 * n, 3 * n).add(r.mul(ghn)).tanh();
                    hNew = nn.add(z.mul(h.sub(nn)));
                }
                default -> throw new IllegalStateException(cell.toString());
            }
            if (masks == null) {
                rows.add(hNew);
                h = hNew;
                c = cNew;
            } else {
                Tensor m = masks[t];
                rows.add(hNew.mul(m));
                h = Variable.where(m, hNew, h);
                if (cNew != null) c = Variable.where(m, cNew, c);
            }
        }
        rows.add(h);
        if (lstm) rows.add(c);
        return Variable.stack(0, rows.toArray(Variable[]::new));
    }

    // ---------------------------------------------------------------- backward

    /**
     * Gradients in the order of the op's inputs (xp, h0, [c0], whh, [bhh]). The loop writes into tensors it owns
     * (the row of the output gradient, the running {@code dh} and {@code dc}, four {@code (B, H)} scratch buffers,
     * the step's gate gradients {@code (B, G H)}), and adds each step's gate gradients into its rows of the
     * {@code (T, B, G H)} gradients, so that a step allocates nothing of the batch's size (with lengths, but the
     * masked states). Without {@code h0Grad} (an initial state that needs no gradient, as the zeros a layer starts
     * from) the first step's product {@code da W_hh}, which only {@code h0}'s gradient reads, is skipped.
     */
    private static Tensor[] backward(Cell cell, Dims d, Forward f, Tensor gOut, Tensor whh, boolean bias,
                                     boolean h0Grad, Tensor[] masks) {
        int n = d.hidden, steps = d.steps;
        int gh = d.gates * n;
        Tensor dh = row(gOut, steps, d), dc = cell == Cell.LSTM ? row(gOut, steps + 1, d) : null;
        Tensor dxp = zeros(dh, steps, d.batch, gh), dghAll = cell == Cell.GRU ? zeros(dh, steps, d.batch, gh) : dxp;
        Tensor dxRows = dxp.reshape(steps, d.batch * gh), dghRows = dghAll.reshape(steps, d.batch * gh);
        Tensor s1 = zeros(dh, d.batch, n), s2 = zeros(dh, d.batch, n);
        Tensor s3 = cell.gates > 1 ? zeros(dh, d.batch, n) : null, s4 = cell.gates > 1 ? zeros(dh, d.batch, n) : null;
        Tensor dOutRow = zeros(dh, 1, d.batch, n), da = cell.gates > 1 ? zeros(dh, d.batch, gh) : null;
        Tensor dgn = cell == Cell.GRU ? zeros(dh, d.batch, gh) : null;
        for (int t = steps - 1; t >= 0; t--) {
            InPlace.slice(gOut, 0, t, dOutRow);
            Tensor dOut = dOutRow.reshape(d.batch, n);
            Tensor at = Tensor.on(dh.backend(), DType.INT32).of(new int[] {t});
            Tensor m = masks == null ? null : masks[t];
            // the state after step t is where(m, new, previous): the new state gets m dh, the previous (1 - m) dh
            Tensor carryH = m == null ? null : Tensor.where(m, dh.zerosLike(), dh);
            Tensor dhNew;
            if (m == null) {
                InPlace.zip(BinaryOp.ADD, dh, dOut, dOut);
                dhNew = dOut;
            } else {
                dhNew = dh.add(dOut).mul(m);
            }
            Tensor[] s = f.saved[t];
            // dh is not read again: it receives dh_{t-1}
            switch (cell) {
                case RNN_TANH, RNN_RELU -> {
                    InPlace.zip(cell == Cell.RNN_TANH ? BinaryOp.TANH_GRAD : BinaryOp.RELU_GRAD, dhNew, s[0], dhNew);
                    InPlace.indexAdd(dxRows, 0, at, dhNew.reshape(1, d.batch * gh));
                    if (t > 0 || h0Grad) InPlace.matmul(dhNew, whh, false, false, dh);
                }
                case LSTM -> {
                    Tensor i = s[0], fg = s[1], g = s[2], o = s[3], cPrev = s[4], tc = s[5];
                    Tensor carryC = m == null ? null : Tensor.where(m, dc.zerosLike(), dc);
                    Tensor dcTot = m == null ? dc : dc.mul(m);
                    gradThrough(BinaryOp.TANH_GRAD, dhNew, o, tc, s1);
                    InPlace.zip(BinaryOp.ADD, dcTot, s1, dcTot);
                    gradThrough(BinaryOp.SIGMOID_GRAD, dcTot, g, i, s1);
                    gradThrough(BinaryOp.SIGMOID_GRAD, dcTot, cPrev, fg, s2);
                    gradThrough(BinaryOp.TANH_GRAD, dcTot, i, g, s3);
                    gradThrough(BinaryOp.SIGMOID_GRAD, dhNew, tc, o, s4);
                    InPlace.concat(1, List.of(s1, s2, s3, s4), da);
                    InPlace.indexAdd(dxRows, 0, at, da.reshape(1, d.batch * gh));
                    if (t > 0 || h0Grad) InPlace.matmul(da, whh, false, false, dh);
                    InPlace.zip(BinaryOp.MUL, dcTot, fg, dcTot);
                    dc = dcTot;
                    if (carryC != null) InPlace.zip(BinaryOp.ADD, dc, carryC, dc);
                }
                case GRU -> {
                    Tensor r = s[0], z = s[1], nn = s[2], ghn = s[3], hp = f.hPrev[t];
                    InPlace.zip(BinaryOp.MUL, dhNew, z, s1); // dh z, the direct path to h_{t-1}
                    InPlace.zip(BinaryOp.SUB, dhNew, s1, s2);
                    InPlace.zip(BinaryOp.TANH_GRAD, s2, nn, s2); // dan
                    gradThrough(BinaryOp.SIGMOID_GRAD, s2, ghn, r, s3); // dar
                    InPlace.zip(BinaryOp.SUB, hp, nn, s4);
                    InPlace.zip(BinaryOp.MUL, dhNew, s4, s4);
                    InPlace.zip(BinaryOp.SIGMOID_GRAD, s4, z, s4); // daz
                    InPlace.concat(1, List.of(s3, s4, s2), da);
                    InPlace.indexAdd(dxRows, 0, at, da.reshape(1, d.batch * gh));
                    InPlace.zip(BinaryOp.MUL, s2, r, s2);
                    InPlace.concat(1, List.of(s3, s4, s2), dgn);
                    InPlace.indexAdd(dghRows, 0, at, dgn.reshape(1, d.batch * gh));
                    if (t > 0 || h0Grad) {
                        InPlace.matmul(dgn, whh, false, false, dh);
                        InPlace.zip(BinaryOp.ADD, dh, s1, dh);
                    }
                }
                default -> throw new IllegalStateException(cell.toString());
            }
            if (carryH != null) InPlace.zip(BinaryOp.ADD, dh, carryH, dh);
        }
        Tensor flatDgh = dghAll.reshape(steps * d.batch, gh);
        Tensor hPrevAll = Tensor.stack(0, f.hPrev).reshape(steps * d.batch, n);
        Tensor dwhh = flatDgh.matmul(hPrevAll, true, false);
        List<Tensor> grads = new ArrayList<>(List.of(dxp, dh));
        if (cell == Cell.LSTM) grads.add(dc);
        grads.add(dwhh);
        if (bias) grads.add(flatDgh.sum(0));
        return grads.toArray(Tensor[]::new);
    }

    /** {@code out = grad(a * b, y)}: the gradient {@code a * b} passed back through an activation with output y. */
    private static void gradThrough(BinaryOp grad, Tensor a, Tensor b, Tensor y, Tensor out) {
        InPlace.zip(BinaryOp.MUL, a, b, out);
        InPlace.zip(grad, out, y, out);
    }

    private static Tensor row(Tensor g, int t, Dims d) {
        return g.slice(0, t, t + 1).reshape(d.batch, d.hidden);
    }

    // ---------------------------------------------------------------- the composed definition

    /** The gradients of the recurrence composed of primitive operations, recorded (for higher derivatives). */
    private static Variable[] composedGradients(Cell cell, Variable[] inputs, Variable g, int[] lengths) {
        List<Variable> wrt = new ArrayList<>();
        for (Variable in : inputs) if (in.requiresGrad()) wrt.add(in);
        List<Variable> found = Grad.grad(composed(cell, inputs, lengths), g, wrt, true);
        Variable[] out = new Variable[inputs.length];
        for (int i = 0, k = 0; i < inputs.length; i++) if (inputs[i].requiresGrad()) out[i] = found.get(k++);
        return out;
    }

    /** The recurrence as primitive operations on {@code inputs} in the op's order; equal to {@link #scan}'s value. */
    static Variable composed(Cell cell, Variable[] inputs, int[] lengths) {
        Variable xp = inputs[0], whh = inputs[cell == Cell.LSTM ? 3 : 2];
        Dims d = new Dims(xp.shape().dim(0), xp.shape().dim(1), whh.shape().dim(1), cell.gates);
        return run(cell, d, inputs, masks(xp.value(), d, lengths));
    }
}
