package dev.descent.optim.schedule;

import dev.descent.optim.Optimizer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Lowers the learning rate when a watched metric stops improving, as {@code torch.optim.lr_scheduler
 * .ReduceLROnPlateau}: after more than {@code patience} epochs without improvement every group's rate becomes
 * {@code max(lr * factor, minLr)} (a change smaller than {@code eps} is ignored), followed by {@code cooldown}
 * epochs in which bad epochs are not counted. An epoch improves on the best value {@code b} when the metric is
 * below {@code b (1 - threshold)} (relative) or {@code b - threshold} (absolute), or above, when maximising.
 *
 * <pre>{@code
 * var plateau = new ReduceOnPlateau(adam, ReduceOnPlateau.options().withPatience(5));
 * for (int epoch = 0; epoch < 100; epoch++) {
 *     train(adam);
 *     plateau.step(validationLoss());
 * }
 * }</pre>
 */
public final class ReduceOnPlateau {
    private final Optimizer<?> optimizer;
    private Options o;
    private double best;
    private int badEpochs;
    private int cooldownLeft;
    private int epoch;
    private int reductions;

    /**
     * The rule's settings.
     *
     * @param maximize          watch a metric to maximise (accuracy) rather than minimise (loss)
     * @param factor            the rate is multiplied by it, in (0, 1)
     * @param patience          epochs without improvement tolerated, >= 0
     * @param threshold         the least improvement that counts, >= 0
     * @param relativeThreshold the threshold is relative to the best value (else absolute)
     * @param cooldown          epochs after a reduction in which bad epochs are not counted, >= 0
     * @param minLr             the rate never goes below it, >= 0
     * @param eps               reductions smaller than this are skipped, >= 0
     */
    public record Options(boolean maximize, double factor, int patience, double threshold, boolean relativeThreshold,
                          int cooldown, double minLr, double eps) {
        public Options withMaximize(boolean v) { return new Options(v, factor, patience, threshold, relativeThreshold, cooldown, minLr, eps); }

        public Options withFactor(double v) { return new Options(maximize, v, patience, threshold, relativeThreshold, cooldown, minLr, eps); }

        public Options withPatience(int v) { return new Options(maximize, factor, v, threshold, relativeThreshold, cooldown, minLr, eps); }

        public Options withThreshold(double v, boolean relative) { return new Options(maximize, factor, patience, v, relative, cooldown, minLr, eps); }

        public Options withCooldown(int v) { return new Options(maximize, factor, patience, threshold, relativeThreshold, v, minLr, eps); }

        public Options withMinLr(double v) { return new Options(maximize, factor, patience, threshold, relativeThreshold, cooldown, v, eps); }

        public Options withEps(double v) { return new Options(maximize, factor, patience, threshold, relativeThreshold, cooldown, minLr, v); }
    }

    /** PyTorch's defaults: minimise, factor 0.1, patience 10, relative threshold 1e-4, no cooldown, minLr 0, eps 1e-8. */
    public static Options options() {
        return new Options(false, 0.1, 10, 1e-4, true, 0, 0, 1e-8);
    }

    public ReduceOnPlateau(Optimizer<?> optimizer, Options options) {
        check(options);
        this.optimizer = optimizer;
        this.o = options;
        this.best = options.maximize() ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }

    private static void check(Options options) {
        if (options == null) throw new IllegalArgumentException("ReduceOnPlateau: options must not be null");
        if (!(options.factor() > 0 && options.factor() < 1)) {
            throw new IllegalArgumentException("ReduceOnPlateau: factor must be in (0, 1), got " + options.factor());
        }
        if (options.patience() < 0 || options.cooldown() < 0) {
            throw new IllegalArgumentException("ReduceOnPlateau: patience and cooldown must be >= 0, got "
                    + options.patience() + " and " + options.cooldown());
        }
        if (!(options.threshold() >= 0) || !(options.minLr() >= 0) || !(options.eps() >= 0)) {
            throw new IllegalArgumentException("ReduceOnPlateau: threshold, minLr and eps must be >= 0, got "
                    + options.threshold() + ", " + options.minLr() + " and " + options.eps());
        }
    }

    /** Records one epoch's metric and lowers the rates if it has stalled for too long; NaN counts as no improvement. */
    public void step(double metric) {
        epoch++;
        if (improves(metric)) {
            best = metric;
            badEpochs = 0;
        } else {
            badEpochs++;
        }
        if (cooldownLeft > 0) {
            cooldownLeft--;
            badEpochs = 0;
        }
        if (badEpochs > o.patience()) {
            reduce();
            cooldownLeft = o.cooldown();
            badEpochs = 0;
        }
    }

    private boolean improves(double a) {
        double t = o.threshold();
        if (o.maximize()) return o.relativeThreshold() ? a > best * (1 + t) : a > best + t;
        return o.relativeThreshold() ? a < best * (1 - t) : a < best - t;
    }

    private void reduce() {
        boolean changed = false;
        for (int g = 0; g < optimizer.groupCount(); g++) {
            double old = optimizer.lr(g);
            double next = Math.max(old * o.factor(), o.minLr());
            if (old - next > o.eps()) {
                optimizer.setLr(g, next);
                changed = true;
            }
        }
        if (changed) reductions++;
    }

    /** The optimiser whose learning rate this sets. */
    public Optimizer<?> optimizer() {
        return optimizer;
    }

    /** The best metric seen so far. */
    public double best() {
        return best;
    }

    /** Epochs since the last improvement (reset by a reduction and during cooldown). */
    public int badEpochs() {
        return badEpochs;
    }

    /** How many times the rates were lowered. */
    public int reductions() {
        return reductions;
    }

    /** The number of metrics recorded. */
    public int epoch() {
        return epoch;
    }

    /**
     * The rule's state with its settings, under PyTorch's {@code ReduceLROnPlateau.state_dict()} names:
     * {@code best}, {@code num_bad_epochs}, {@code cooldown_counter}, {@code last_epoch}, {@code mode},
     * {@code factor}, {@code patience}, {@code threshold}, {@code threshold_mode}, {@code cooldown}, {@code min_lr},
     * {@code eps}, and Descent's {@code reductions}. Numbers are written so that they read back exactly.
     */
    public Map<String, String> stateDict() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("best", Double.toString(best));
        out.put("num_bad_epochs", Integer.toString(badEpochs));
        out.put("cooldown_counter", Integer.toString(cooldownLeft));
        out.put("last_epoch", Integer.toString(epoch));
        out.put("reductions", Integer.toString(reductions));
        out.put("mode", o.maximize() ? "max" : "min");
        out.put("factor", Double.toString(o.factor()));
        out.put("patience", Integer.toString(o.patience()));
        out.put("threshold", Double.toString(o.threshold()));
        out.put("threshold_mode", o.relativeThreshold() ? "rel" : "abs");
        out.put("cooldown", Integer.toString(o.cooldown()));
        out.put("min_lr", Double.toString(o.minLr()));
        out.put("eps", Double.toString(o.eps()));
        return out;
    }

    /**
     * Restores a {@link #stateDict()}, settings included (as PyTorch's {@code load_state_dict}). Everything is
     * checked first; on a missing, unexpected or bad entry an {@link IllegalArgumentException} names it and nothing
     * changes.
     */
    public void loadStateDict(Map<String, String> state) {
        String op = "ReduceOnPlateau.loadStateDict";
        if (state == null) throw new IllegalArgumentException(op + ": the state must not be null");
        Map<String, String> expected = stateDict();
        for (String key : state.keySet()) {
            if (!expected.containsKey(key)) {
                throw new IllegalArgumentException(op + ": unexpected entry '" + key + "' (expected "
                        + expected.keySet() + ")");
            }
        }
        Options loaded = new Options(StateEntries.choice(op, state, "mode", "max", "min"),
                StateEntries.real(op, state, "factor"), StateEntries.whole(op, state, "patience", 0),
                StateEntries.real(op, state, "threshold"),
                StateEntries.choice(op, state, "threshold_mode", "rel", "abs"),
                StateEntries.whole(op, state, "cooldown", 0), StateEntries.real(op, state, "min_lr"),
                StateEntries.real(op, state, "eps"));
        try {
            check(loaded);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(op + ": " + e.getMessage(), e);
        }
        double b = StateEntries.real(op, state, "best");
        int bad = StateEntries.whole(op, state, "num_bad_epochs", 0);
        int cooldown = StateEntries.whole(op, state, "cooldown_counter", 0);
        int e = StateEntries.whole(op, state, "last_epoch", 0);
        int r = StateEntries.whole(op, state, "reductions", 0);
        o = loaded;
        best = b;
        badEpochs = bad;
        cooldownLeft = cooldown;
        epoch = e;
        reductions = r;
    }
}
