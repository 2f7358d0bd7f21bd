package dev.descent.autodiff;

import dev.descent.core.DType;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;

import java.util.ArrayList;
import java.util.List;

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
 * <p>The forward pass is the recurrence written once with primitive operations, run without recording; it keeps
 * each step's gate activations for the backward loop. NOTE: when the backward pass is itself recorded
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
        Forward f = forward(cell, d, inputs, masks);
        return Variable.record(cell.op, f.out, g -> {
            if (NoGrad.isRecording()) return composedGradients(cell, inputs, g, lengths);
            Tensor[] grads = backward(cell, d, f, g.value(), whh.value(), bhh != null, masks);
            Variable[] out = new Variable[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                out[i] = inputs[i].requiresGrad() ? Variable.constant(grads[i]) : null;
            }
            return out;
        }, inputs);
    }

    record Dims(int steps, int batch, int hidden, int gates) {
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
        Tensor out;
        try (NoGrad scope = NoGrad.enter()) {
            Variable[] constants = new Variable[inputs.length];
            for (int i = 0; i < inputs.length; i++) constants[i] = Variable.constant(inputs[i].value());
            out = run(cell, d, constants, masks, hPrev, saved).value();
        }
        return new Forward(out, hPrev, saved);
    }

    /**
     * The recurrence on {@code inputs} (xp, h0, [c0], whh, [bhh]) as primitive operations: recorded, it is the
     * composed definition; under no-grad, it is the fused forward, which keeps each step's previous state and gate
     * activations in {@code hPrev} and {@code saved} (when not null) for the backward loop.
     */
    private static Variable run(Cell cell, Dims d, Variable[] inputs, Tensor[] masks, Tensor[] hPrev,
                                Tensor[][] saved) {
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
            Variable[] keep;
            switch (cell) {
                case RNN_TANH, RNN_RELU -> {
                    Variable a = x.add(gh);
                    hNew = cell == Cell.RNN_TANH ? a.tanh() : a.relu();
                    keep = new Variable[] {hNew};
                }
                case LSTM -> {
                    Variable a = x.add(gh);
                    Variable i = a.slice(1, 0, n).sigmoid(), f = a.slice(1, n, 2 * n).sigmoid();
                    Variable g = a.slice(1, 2 * n, 3 * n).tanh(), o = a.slice(1, 3 * n, 4 * n).sigmoid();
                    cNew = f.mul(c).add(i.mul(g));
                    Variable tc = cNew.tanh();
                    hNew = o.mul(tc);
                    keep = new Variable[] {i, f, g, o, c, tc};
                }
                case GRU -> {
                    Variable r = x.slice(1, 0, n).add(gh.slice(1, 0, n)).sigmoid();
                    Variable z = x.slice(1, n, 2 * n).add(gh.slice(1, n, 2 * n)).sigmoid();
                    Variable ghn = gh.slice(1, 2 * n, 3 * n);
                    Variable nn = x.slice(1, 2 * n, 3 * n).add(r.mul(ghn)).tanh();
                    hNew = nn.add(z.mul(h.sub(nn)));
                    keep = new Variable[] {r, z, nn, ghn};
                }
                default -> throw new IllegalStateException(cell.toString());
            }
            if (saved != null) {
                hPrev[t] = h.value();
                saved[t] = new Tensor[keep.length];
                for (int k = 0; k < keep.length; k++) saved[t][k] = keep[k].value();
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

    /** Gradients in the order of the op's inputs (xp, h0, [c0], whh, [bhh]). */
    private static Tensor[] backward(Cell cell, Dims d, Forward f, Tensor gOut, Tensor whh, boolean bias,
                                     Tensor[] masks) {
        int n = d.hidden, steps = d.steps;
        Tensor dh = row(gOut, steps, d), dc = cell == Cell.LSTM ? row(gOut, steps + 1, d) : null;
        Tensor[] dx = new Tensor[steps], dgh = new Tensor[steps];
        for (int t = steps - 1; t >= 0; t--) {
            Tensor dOut = row(gOut, t, d);
            Tensor m = masks == null ? null : masks[t];
            // the state after step t is where(m, new, previous): the new state gets m dh, the previous (1 - m) dh
            Tensor dhNew = m == null ? dh.add(dOut) : dh.add(dOut).mul(m);
            Tensor carryH = m == null ? null : Tensor.where(m, dh.zerosLike(), dh);
            Tensor[] s = f.saved[t];
            Tensor dhPrev;
            switch (cell) {
                case RNN_TANH, RNN_RELU -> {
                    Tensor da = cell == Cell.RNN_TANH ? dhNew.tanhGrad(s[0]) : dhNew.reluGrad(s[0]);
                    dx[t] = da;
                    dgh[t] = da;
                    dhPrev = da.matmul(whh);
                }
                case LSTM -> {
                    Tensor i = s[0], fg = s[1], g = s[2], o = s[3], cPrev = s[4], tc = s[5];
                    Tensor dcNew = m == null ? dc : dc.mul(m);
                    Tensor carryC = m == null ? null : Tensor.where(m, dc.zerosLike(), dc);
                    Tensor dcTot = dcNew.add(dhNew.mul(o).tanhGrad(tc));
                    Tensor di = dcTot.mul(g).sigmoidGrad(i);
                    Tensor df = dcTot.mul(cPrev).sigmoidGrad(fg);
                    Tensor dg = dcTot.mul(i).tanhGrad(g);
                    Tensor dO = dhNew.mul(tc).sigmoidGrad(o);
                    Tensor da = Tensor.concat(1, di, df, dg, dO);
                    dx[t] = da;
                    dgh[t] = da;
                    dhPrev = da.matmul(whh);
                    dc = dcTot.mul(fg);
                    if (carryC != null) dc = dc.add(carryC);
                }
                case GRU -> {
                    Tensor r = s[0], z = s[1], nn = s[2], ghn = s[3], hp = f.hPrev[t];
                    Tensor dan = dhNew.sub(dhNew.mul(z)).tanhGrad(nn);
                    Tensor dar = dan.mul(ghn).sigmoidGrad(r);
                    Tensor daz = dhNew.mul(hp.sub(nn)).sigmoidGrad(z);
                    dx[t] = Tensor.concat(1, dar, daz, dan);
                    dgh[t] = Tensor.concat(1, dar, daz, dan.mul(r));
                    dhPrev = dgh[t].matmul(whh).add(dhNew.mul(z));
                }
                default -> throw new IllegalStateException(cell.toString());
            }
            dh = carryH == null ? dhPrev : dhPrev.add(carryH);
        }
        int gh = d.gates * n;
        Tensor dxp = Tensor.stack(0, dx);
        Tensor dghAll = cell == Cell.GRU ? Tensor.stack(0, dgh) : dxp;
        Tensor flatDgh = dghAll.reshape(steps * d.batch, gh);
        Tensor hPrevAll = Tensor.stack(0, f.hPrev).reshape(steps * d.batch, n);
        Tensor dwhh = flatDgh.matmul(hPrevAll, true, false);
        List<Tensor> grads = new ArrayList<>(List.of(dxp, dh));
        if (cell == Cell.LSTM) grads.add(dc);
        grads.add(dwhh);
        if (bias) grads.add(flatDgh.sum(0));
        return grads.toArray(Tensor[]::new);
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
        return run(cell, d, inputs, masks(xp.value(), d, lengths), null, null);
    }
}
