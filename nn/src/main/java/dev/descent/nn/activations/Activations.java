package dev.descent.nn.activations;

/**
 * The activation modules, one small class each over the autodiff ops: {@link ReLU}, {@link LeakyReLU},
 * {@link ELU}, {@link GELU} (exact or tanh), {@link Sigmoid}, {@link Tanh}, {@link Softmax}, {@link LogSoftmax},
 * {@link Softplus}. {@link #byName} maps PyTorch's names to them for configuration files and command lines.
 */
public final class Activations {
    private Activations() {
    }

    /** The activation called {@code name} ({@code relu}, {@code leaky_relu}, {@code elu}, {@code gelu}, ...). */
    public static dev.descent.nn.Module byName(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "relu" -> new ReLU();
            case "leaky_relu", "leakyrelu" -> new LeakyReLU();
            case "elu" -> new ELU();
            case "gelu" -> new GELU(false);
            case "gelu_tanh" -> new GELU(true);
            case "sigmoid" -> new Sigmoid();
            case "tanh" -> new Tanh();
            case "softmax" -> new Softmax(-1);
            case "log_softmax", "logsoftmax" -> new LogSoftmax(-1);
            case "softplus" -> new Softplus();
            default -> throw new IllegalArgumentException("Activations.byName: unknown activation '" + name
                    + "' (expected relu, leaky_relu, elu, gelu, gelu_tanh, sigmoid, tanh, softmax, log_softmax, softplus)");
        };
    }
}
