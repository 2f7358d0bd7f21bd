package dev.descent.optim.schedule;

import java.util.Arrays;

/**
 * The learning-rate schedules of {@code torch.optim.lr_scheduler} as closed forms, plus the lecture's
 * inverse-time decay; each is a {@link Schedule}, a pure function of the step {@code t}.
 *
 * <pre>{@code
 * Schedule s = Schedules.linearWarmup(5, 0.1, Schedules.cosine(0.1, 95, 0));
 * LrScheduler scheduler = new LrScheduler(optimizer, s);
 * for (int epoch = 0; epoch < 100; epoch++) { train(); scheduler.step(); }
 * }</pre>
 *
 * <p>Arguments are checked when the schedule is made; a message names the schedule, the argument, what it must be
 * and what it was.
 */
public final class Schedules {
    private Schedules() {
    }

    /** {@code lr} at every step. */
    public static Schedule constant(double lr) {
        checkLr("constant", lr);
        return t -> lr;
    }

    /** {@code lr * gamma^floor(t / stepSize)} ({@code StepLR}). */
    public static Schedule step(double lr, int stepSize, double gamma) {
        checkLr("step", lr);
        positive("step", "stepSize", stepSize);
        checkGamma("step", gamma);
        return t -> lr * Math.pow(gamma, Math.floorDiv(checkT(t), stepSize));
    }

    /**
     * {@code lr * gamma^k} where {@code k} counts the milestones {@code <= t} ({@code MultiStepLR}); milestones are
     * increasing and positive.
     */
    public static Schedule multiStep(double lr, int[] milestones, double gamma) {
        checkLr("multiStep", lr);
        checkGamma("multiStep", gamma);
        int[] ms = milestones.clone();
        for (int i = 0; i < ms.length; i++) {
            if (ms[i] <= 0 || (i > 0 && ms[i] <= ms[i - 1])) {
                throw new IllegalArgumentException("Schedules.multiStep: milestones must be positive and increasing, got "
                        + Arrays.toString(milestones));
            }
        }
        return t -> {
            int k = Arrays.binarySearch(ms, checkT(t));
            int passed = k >= 0 ? k + 1 : -k - 1;
            return lr * Math.pow(gamma, passed);
        };
    }

    /** {@code lr * gamma^t} ({@code ExponentialLR}). */
    public static Schedule exponential(double lr, double gamma) {
        checkLr("exponential", lr);
        checkGamma("exponential", gamma);
        return t -> lr * Math.pow(gamma, checkT(t));
    }

    /** The lecture's decay {@code lr / (1 + decayRate * t)}. */
    public static Schedule inverseTime(double lr, double decayRate) {
        checkLr("inverseTime", lr);
        if (!(decayRate >= 0) || decayRate == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("Schedules.inverseTime: decayRate must be finite and >= 0, got " + decayRate);
        }
        return t -> lr / (1 + decayRate * checkT(t));
    }

    /** {@code lr * (1 - min(t, totalSteps) / totalSteps)^power} ({@code PolynomialLR}). */
    public static Schedule polynomial(double lr, int totalSteps, double power) {
        checkLr("polynomial", lr);
        positive("polynomial", "totalSteps", totalSteps);
        if (!(power >= 0) || power == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("Schedules.polynomial: power must be finite and >= 0, got " + power);
        }
        return t -> lr * Math.pow(1.0 - (double) Math.min(totalSteps, checkT(t)) / totalSteps, power);
    }

    /**
     * Cosine annealing from {@code lr} to {@code etaMin} over {@code tMax} steps,
     * {@code etaMin + (lr - etaMin) (1 + cos(pi t / tMax)) / 2} ({@code CosineAnnealingLR}; beyond {@code tMax} the
     * cosine goes on, as PyTorch's).
     */
    public static Schedule cosine(double lr, int tMax, double etaMin) {
        checkLr("cosine", lr);
        positive("cosine", "tMax", tMax);
        checkLr("cosine", etaMin);
        return t -> etaMin + (lr - etaMin) * (1 + Math.cos(Math.PI * checkT(t) / tMax)) / 2;
    }

    /**
     * Cosine annealing with warm restarts (SGDR, {@code CosineAnnealingWarmRestarts}): the first cycle lasts
     * {@code t0} steps, each next one {@code tMult} times longer; within a cycle at position {@code tCur} of
     * {@code tI}, {@code etaMin + (lr - etaMin) (1 + cos(pi tCur / tI)) / 2}.
     */
    public static Schedule cosineWarmRestarts(double lr, int t0, int tMult, double etaMin) {
        checkLr("cosineWarmRestarts", lr);
        positive("cosineWarmRestarts", "t0", t0);
        positive("cosineWarmRestarts", "tMult", tMult);
        checkLr("cosineWarmRestarts", etaMin);
        return t -> {
            long cur = checkT(t), length = t0;
            while (cur >= length) {
                cur -= length;
                length *= tMult;
            }
            return etaMin + (lr - etaMin) * (1 + Math.cos(Math.PI * cur / length)) / 2;
        };
    }

    /**
     * A linear warm-up joined to {@code then}: for {@code t < warmupSteps} the rate rises linearly from
     * {@code startFactor * then.lr(0)} to {@code then.lr(0)}, {@code then.lr(0) (startFactor + (1 - startFactor)
     * t / warmupSteps)} ({@code LinearLR}), after which {@code then} runs from its own start:
     * {@code then.lr(t - warmupSteps)} (as {@code SequentialLR} with one milestone).
     */
    public static Schedule linearWarmup(int warmupSteps, double startFactor, Schedule then) {
        positive("linearWarmup", "warmupSteps", warmupSteps);
        if (!(startFactor > 0 && startFactor <= 1)) {
            throw new IllegalArgumentException("Schedules.linearWarmup: startFactor must be in (0, 1], got " + startFactor);
        }
        if (then == null) throw new IllegalArgumentException("Schedules.linearWarmup: then must not be null");
        double target = then.lr(0);
        return t -> checkT(t) < warmupSteps
                ? target * (startFactor + (1 - startFactor) * t / warmupSteps)
                : then.lr(t - warmupSteps);
    }

    /**
     * The one-cycle policy (Smith, 2018; {@code OneCycleLR} with its defaults: cosine annealing, {@code pct_start 0.3},
     * {@code div_factor 25}, {@code final_div_factor 1e4}, and the momentum cycled inversely to the rate between
     * {@code base_momentum 0.85} and {@code max_momentum 0.95}).
     */
    public static MomentumSchedule oneCycle(double maxLr, int totalSteps) {
        return oneCycle(maxLr, totalSteps, 0.3, 25, 1e4, true, false);
    }

    /**
     * The one-cycle policy with the momentum cycled between PyTorch's defaults 0.85 and 0.95; see
     * {@link #oneCycle(double, int, double, double, double, boolean, boolean, double, double)}.
     */
    public static MomentumSchedule oneCycle(double maxLr, int totalSteps, double pctStart, double divFactor,
                                            double finalDivFactor, boolean cosine, boolean threePhase) {
        return oneCycle(maxLr, totalSteps, pctStart, divFactor, finalDivFactor, cosine, threePhase, 0.85, 0.95);
    }

    /**
     * The one-cycle policy ({@code OneCycleLR}): from {@code maxLr / divFactor} up to {@code maxLr} over the first
     * {@code pctStart} of {@code totalSteps}, then down to {@code maxLr / divFactor / finalDivFactor}; with
     * {@code threePhase}, back down to the start first and only then to the minimum. Annealing is cosine,
     * {@code end + (start - end) (1 + cos(pi p)) / 2}, or linear. Defined for {@code 0 <= t <= totalSteps}.
     *
     * <p>The momentum goes the other way over the same phases, with the same annealing: from {@code maxMomentum}
     * down to {@code baseMomentum} while the rate rises, back up while it falls (and, in the third phase, stays at
     * {@code maxMomentum}). For an optimiser whose momentum must not be touched, use
     * {@link #oneCycleWithoutMomentum}.
     *
     * <p>NOTE: PyTorch's formula is reached at {@code t = totalSteps - 1}; at {@code t = totalSteps} (the rate a
     * scheduler computes after the last batch, never used) it runs past the last phase, and with linear annealing
     * below the minimum, even below 0. Here the rate and the momentum at {@code totalSteps} stay at their last values.
     */
    public static MomentumSchedule oneCycle(double maxLr, int totalSteps, double pctStart, double divFactor,
                                            double finalDivFactor, boolean cosine, boolean threePhase,
                                            double baseMomentum, double maxMomentum) {
        checkLr("oneCycle", maxLr);
        positive("oneCycle", "totalSteps", totalSteps);
        if (!(pctStart >= 0 && pctStart <= 1)) {
            throw new IllegalArgumentException("Schedules.oneCycle: pctStart must be in [0, 1], got " + pctStart);
        }
        if (!(divFactor > 0) || !(finalDivFactor > 0)) {
            throw new IllegalArgumentException("Schedules.oneCycle: divFactor and finalDivFactor must be > 0, got "
                    + divFactor + " and " + finalDivFactor);
        }
        if (!(baseMomentum >= 0 && baseMomentum <= maxMomentum && maxMomentum < 1)) {
            throw new IllegalArgumentException("Schedules.oneCycle: expected 0 <= baseMomentum <= maxMomentum < 1, got "
                    + baseMomentum + " and " + maxMomentum);
        }
        double initial = maxLr / divFactor, min = initial / finalDivFactor;
        double up = pctStart * totalSteps - 1;
        double[] ends = threePhase ? new double[] {up, 2 * pctStart * totalSteps - 2, totalSteps - 1}
                : new double[] {up, totalSteps - 1};
        double[] lrs = threePhase ? new double[] {initial, maxLr, initial, min} : new double[] {initial, maxLr, min};
        double[] momenta = threePhase ? new double[] {maxMomentum, baseMomentum, maxMomentum, maxMomentum}
                : new double[] {maxMomentum, baseMomentum, maxMomentum};
        return new MomentumSchedule() {
            @Override
            public double lr(int t) {
                return phased("oneCycle", t, totalSteps, ends, lrs, cosine);
            }

            @Override
            public double momentum(int t) {
                return phased("oneCycle", t, totalSteps, ends, momenta, cosine);
            }
        };
    }

    /** The one-cycle learning rates alone, as {@code OneCycleLR} with {@code cycle_momentum=False}. */
    public static Schedule oneCycleWithoutMomentum(double maxLr, int totalSteps, double pctStart, double divFactor,
                                                   double finalDivFactor, boolean cosine, boolean threePhase) {
        Schedule s = oneCycle(maxLr, totalSteps, pctStart, divFactor, finalDivFactor, cosine, threePhase);
        return s::lr;
    }

    /**
     * A value annealed over phases: phase {@code i} ends at step {@code ends[i]} and goes from {@code values[i]} to
     * {@code values[i + 1]}, each starting where the previous one ended (the first at 0).
     */
    private static double phased(String schedule, int t, int totalSteps, double[] ends, double[] values, boolean cosine) {
        if (checkT(t) > totalSteps) {
            throw new IllegalArgumentException("Schedules." + schedule + ": step " + t + " is beyond totalSteps "
                    + totalSteps);
        }
        if (t == totalSteps) return values[values.length - 1];
        double start = 0;
        for (int i = 0; i < ends.length; i++) {
            if (t <= ends[i] || i == ends.length - 1) {
                double p = (t - start) / (ends[i] - start), from = values[i], to = values[i + 1];
                return cosine ? to + (from - to) / 2 * (Math.cos(Math.PI * p) + 1) : (to - from) * p + from;
            }
            start = ends[i];
        }
        throw new AssertionError("unreachable");
    }

    private static int checkT(int t) {
        if (t < 0) throw new IllegalArgumentException("Schedule.lr: the step must be >= 0, got " + t);
        return t;
    }

    private static void checkLr(String schedule, double lr) {
        if (!(lr >= 0) || lr == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("Schedules." + schedule + ": learning rates must be finite and >= 0, got "
                    + lr);
        }
    }

    private static void checkGamma(String schedule, double gamma) {
        if (!(gamma > 0) || gamma == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("Schedules." + schedule + ": gamma must be finite and > 0, got " + gamma);
        }
    }

    private static void positive(String schedule, String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException("Schedules." + schedule + ": " + name + " must be >= 1, got " + value);
        }
    }
}
