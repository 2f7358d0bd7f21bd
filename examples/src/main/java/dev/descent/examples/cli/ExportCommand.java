package dev.descent.examples.cli;

import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.examples.demos.Classifier;
import dev.descent.nn.activations.Activations;
import dev.descent.nn.activations.Softmax;
import dev.descent.nn.io.ModuleIO;
import dev.descent.nn.layers.Sequential;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code descent export}: a model saved by {@code descent train} (safetensors), described with train's architecture
 * flags, written as an ONNX model (opset 17) that ONNX Runtime, PyTorch's tools or {@code descent predict} run.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        header = "Export a trained model as ONNX",
        description = {"Rebuilds the MLP of a model saved by 'descent train' (its input and output sizes are read from "
                + "the file; --hidden and --activation as given to train) and writes it as an ONNX model (opset 17, "
                + "input 'input' of shape (batch, features), output 'output').",
                "--out FILE.onnx names the file; any other --out is a directory that gets model.onnx."})
final class ExportCommand implements Callable<Integer> {
    @ParentCommand
    DescentCommand root;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "The model's safetensors file.")
    Path model;

    @Option(names = "--hidden", split = ",", paramLabel = "N",
            description = "Hidden layer sizes, as given to train (default: ${DEFAULT-VALUE}).")
    List<Integer> hidden = List.of(16, 16);

    @Option(names = "--activation", paramLabel = "NAME",
            description = "relu, leaky-relu, tanh, sigmoid, elu, gelu, as given to train (default: ${DEFAULT-VALUE}).")
    String activation = "relu";

    @Option(names = "--softmax", description = "Append a softmax over the outputs (train adds one for mse, mae, huber).")
    boolean softmax;

    @Override
    public Integer call() throws Exception {
        if (!TrainCommand.ACTIVATIONS.contains(activation.toLowerCase(Locale.ROOT))) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--activation': '" + activation
                    + "' (expected one of " + String.join(", ", TrainCommand.ACTIVATIONS) + ")");
        }
        for (int h : hidden) {
            if (h < 1) throw new ParameterException(spec.commandLine(), "Invalid value for option '--hidden': " + h);
        }
        var ctx = root.context();
        Map<String, Tensor> state = ModuleIO.load(model, ctx.backend());
        int layers = hidden.size() + 1;
        Tensor first = state.get("0.weight"), last = state.get((2 * layers - 2) + ".weight");
        if (first == null || last == null || first.rank() != 2 || last.rank() != 2) {
            throw new IllegalArgumentException(model + " does not hold an MLP with " + hidden.size()
                    + " hidden layers (expected '0.weight' and '" + (2 * layers - 2) + ".weight'; it has "
                    + new ArrayList<>(state.keySet()) + ")");
        }
        TensorFactory f = Tensor.on(first.backend(), first.dtype());
        int in = first.shape().dim(0), out = last.shape().dim(1);
        Sequential net = Classifier.mlp(f, in, hidden, out,
                () -> Activations.byName(activation.toLowerCase(Locale.ROOT).replace('-', '_')), null, null, new Rng(0));
        net.loadStateDict(state);
        if (softmax) net.add(new Softmax(-1));
        net.eval();
        Path file = ctx.exportOnnx(net, f.zeros(2, in), target(ctx.outDir()));
        if (!ctx.quiet()) {
            ctx.out().printf(Locale.ROOT, "Exported %d -> %s -> %d (%s, %s) to %s%n", in,
                    String.join(" -> ", hidden.stream().map(String::valueOf).toList()), out, activation,
                    f.dtype().name().toLowerCase(Locale.ROOT), file);
        } else {
            ctx.out().println(file);
        }
        return 0;
    }

    /** {@code --out} itself when it names an .onnx file, else {@code model.onnx} in that directory. */
    static Path target(Path out) {
        return out.getFileName() != null && out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx")
                ? out : out.resolve("model.onnx");
    }
}
