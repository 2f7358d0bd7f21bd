package dev.descent.examples.presets;

import dev.descent.autodiff.Variable;
import dev.descent.optim.Optimizer;
import dev.descent.optim.Optimizers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line's optimiser names: the lecture's four forms of gradient descent ({@code gd}, {@code momentum},
 * {@code momentum-ema}, {@code nesterov}, all {@code sgd} in the registry) and every other optimiser of
 * {@link Optimizers} by its registry name. The one place that turns a name into an optimiser for the demos and
 * {@code descent train}.
 *
 * <pre>{@code
 * Optimizer<?> o = OptimizerChoices.build("momentum-ema", params, 0.9, Map.of("lr", 0.1));
 * }</pre>
 */
public final class OptimizerChoices {
    private static final List<String> SGD_FORMS = List.of("gd", "momentum", "momentum-ema", "nesterov");

    /** Every accepted name, in the order of the help. */
    public static final List<String> NAMES = names();

    private OptimizerChoices() {
    }

    private static List<String> names() {
        List<String> out = new ArrayList<>(SGD_FORMS);
        for (String n : Optimizers.names()) if (!n.equals("sgd")) out.add(n);
        return List.copyOf(out);
    }

    /** The registry's name for {@code key}. */
    public static String registryName(String key) {
        if (!NAMES.contains(key)) {
            throw new IllegalArgumentException("unknown optimizer '" + key + "' (known: " + String.join(", ", NAMES) + ")");
        }
        return SGD_FORMS.contains(key) ? "sgd" : key;
    }

    /** The hyper-parameter names of {@code key}'s optimiser. */
    public static List<String> hyperparameters(String key) {
        return Optimizers.hyperparameters(registryName(key));
    }

    /**
     * The optimiser {@code key} over {@code params}: the registry's, with the form's momentum for the gradient
     * descent forms ({@code momentum} in the lecture's EMA form for {@code momentum-ema}), then {@code hyper}.
     */
    public static Optimizer<?> build(String key, List<Variable> params, double momentum, Map<String, ?> hyper) {
        String name = registryName(key);
        Map<String, Object> all = new LinkedHashMap<>();
        switch (key) {
            case "momentum" -> all.put("momentum", momentum);
            case "momentum-ema" -> {
                all.put("momentum", momentum);
                all.put("ema", true);
            }
            case "nesterov" -> {
                all.put("momentum", momentum);
                all.put("nesterov", true);
            }
            default -> { }
        }
        all.putAll(hyper);
        return Optimizers.byName(name, params, all);
    }
}
