package dev.descent.examples;

/**
 * One of the lecture's demos: runs on the backend, dtype and seed of a {@link RunContext}, writes its figures under
 * {@link RunContext#outDir()} and returns what it measured. The {@code descent} subcommand of the same name runs it
 * alone; {@code descent lecture} runs them all and puts their results into the report.
 *
 * <pre>{@code
 * final class LearningRateDemo implements Demo {
 *     public String name() { return "learning-rate"; }
 *     public String title() { return "Learning rate: too small, appropriate, too large"; }
 *     public DemoResult run(RunContext ctx) {
 *         double[] small = ..., good = ..., large = ...;      // from the library's Optimizer
 *         Figure cost = ctx.figure(Plots.line("Cost per step", "step", "cost")
 *                 .series("lr 0.001", small).series("lr 0.1", good).series("lr 1.5", large).logY(),
 *                 "cost.png", "Too small converges slowly; too large overshoots.",
 *                 String.format("final cost %.3g / %.3g / %.3g", ...));
 *         return DemoResult.builder(title()).figure(cost).measurement("final cost (lr 0.1)", good[good.length - 1])
 *                 .summary("lr 0.1 reached cost 0.01 in 40 steps").build();
 *     }
 * }
 * }</pre>
 */
public interface Demo {
    /** The subcommand's name, e.g. {@code "init"}. */
    String name();

    /** A one-line title, the heading of the demo's report section. */
    String title();

    /**
     * Runs the demo. Throws {@link DemoUnavailableException} when it cannot run here (missing data), any other
     * exception when it fails.
     */
    DemoResult run(RunContext ctx) throws Exception;
}
