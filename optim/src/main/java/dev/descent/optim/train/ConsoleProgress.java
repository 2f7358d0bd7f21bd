package dev.descent.optim.train;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * The ready-made console listener: on an interactive terminal a progress bar per epoch showing the running loss,
 * and one plain line per epoch when output is not a terminal (CI, files). Add it to a trainer to see progress;
 * without it training is silent.
 *
 * <pre>{@code
 * Trainer.builder(model, loss, optimizer).listener(new ConsoleProgress()) ...
 * }</pre>
 */
public final class ConsoleProgress implements TrainingListener {
    private final PrintStream out;
    private final boolean interactive;
    private int epochs, stepsPerEpoch;
    private ProgressBar bar;

    /** Progress on standard output, with bars when a console is attached. */
    public ConsoleProgress() {
        this(System.out, System.console() != null);
    }

    /** Progress on {@code out}; bars when {@code interactive}, otherwise one line per epoch. */
    public ConsoleProgress(PrintStream out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    @Override
    public void onTrainBegin(int epochs, int stepsPerEpoch) {
        this.epochs = epochs;
        this.stepsPerEpoch = stepsPerEpoch;
    }

    @Override
    public void onEpochBegin(int epoch) {
        if (!interactive) return;
        bar = new ProgressBarBuilder().setTaskName(String.format("epoch %d/%d", epoch, epochs))
                .setInitialMax(stepsPerEpoch).setStyle(ProgressBarStyle.ASCII).setConsumer(
                        new me.tongfei.progressbar.ConsoleProgressBarConsumer(out)).build();
    }

    @Override
    public void onStep(History.Step step) {
        if (bar == null) return;
        bar.step();
        bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f", step.loss()));
    }

    @Override
    public void onEpochEnd(History.Epoch epoch) {
        if (bar != null) {
            bar.close();
            bar = null;
        }
        out.println(line(epoch));
    }

    @Override
    public void onTrainEnd(History history) {
        if (bar != null) {
            bar.close();
            bar = null;
        }
        if (history.stopReason() != StopReason.COMPLETED) out.println(history.stopMessage());
    }

    /** {@code epoch 3/10  loss 0.4123  accuracy 0.8812  val_loss 0.4410  (1.2 s)}. */
    static String line(History.Epoch epoch) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "epoch %d", epoch.epoch()));
        for (Map.Entry<String, Double> m : epoch.metrics().entrySet()) {
            sb.append(String.format(Locale.ROOT, "  %s %.4f", m.getKey(), m.getValue()));
        }
        return sb.append(String.format(Locale.ROOT, "  (%.1f s)", epoch.nanos() / 1e9)).toString();
    }
}
