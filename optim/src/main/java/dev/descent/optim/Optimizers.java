package dev.descent.optim;

import dev.descent.autodiff.Variable;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The optimisers by name: one registry that the command line, the demos and Spark use. It knows all nine
 * ({@code sgd}, {@code adagrad}, {@code adadelta}, {@code rmsprop}, {@code adam}, {@code adamw}, {@code nadam},
 * {@code radam}, {@code adamax}; names are case-insensitive), each with PyTorch's defaults, and sets any declared
 * hyper-parameter by its name ({@link Hyperparameters#with(String, Object)}). Momentum, Nesterov and the lecture's
 * EMA momentum are options of {@code sgd}.
 *
 * <pre>{@code
 * Optimizer<?> adam = Optimizers.byName("adam", model.parameters(), Map.of("lr", 3e-4, "amsgrad", true));
 * Optimizer<?> momentum = Optimizers.byName("sgd", params, Map.of("lr", 0.1, "momentum", 0.9));
 * }</pre>
 *
 * <p>An unknown optimiser or hyper-parameter is an {@link IllegalArgumentException} that lists the known ones.
 */
public final class Optimizers {
    private record Entry<O extends Hyperparameters<O>>(Supplier<O> defaults,
                                                       BiFunction<List<Variable>, O, Optimizer<O>> make) {
        Optimizer<O> build(String name, List<Variable> params, Map<String, ?> hyper) {
            O o = defaults.get();
            for (Map.Entry<String, ?> e : hyper.entrySet()) o = o.with(e.getKey(), e.getValue());
            return make.apply(params, o);
        }
    }

    private static final Map<String, Entry<?>> ALL = new LinkedHashMap<>();

    static {
        ALL.put("sgd", new Entry<>(SGD::options, SGD::new));
        ALL.put("adagrad", new Entry<>(Adagrad::options, Adagrad::new));
        ALL.put("adadelta", new Entry<>(Adadelta::options, Adadelta::new));
        ALL.put("rmsprop", new Entry<>(RMSProp::options, RMSProp::new));
        ALL.put("adam", new Entry<>(Adam::options, Adam::new));
        ALL.put("adamw", new Entry<>(AdamW::options, AdamW::new));
        ALL.put("nadam", new Entry<>(NAdam::options, NAdam::new));
        ALL.put("radam", new Entry<>(RAdam::options, RAdam::new));
        ALL.put("adamax", new Entry<>(Adamax::options, Adamax::new));
    }

    private Optimizers() {
    }

    /** The known names, in a fixed order. */
    public static List<String> names() {
        return new ArrayList<>(ALL.keySet());
    }

    /** Whether {@code name} is a known optimiser. */
    public static boolean has(String name) {
        return name != null && ALL.containsKey(name.toLowerCase(Locale.ROOT));
    }

    /** The optimiser {@code name} over {@code params} with PyTorch's defaults. */
    public static Optimizer<?> byName(String name, List<Variable> params) {
        return byName(name, params, Map.of());
    }

    /**
     * The optimiser {@code name} over {@code params}, its defaults with {@code hyper} set by name (values: numbers,
     * booleans or their text).
     */
    public static Optimizer<?> byName(String name, List<Variable> params, Map<String, ?> hyper) {
        if (hyper == null) throw new IllegalArgumentException("Optimizers.byName: hyper must not be null (use Map.of())");
        return entry(name).build(name, params, hyper);
    }

    /** The hyper-parameter names of optimiser {@code name}, in declaration order. */
    public static List<String> hyperparameters(String name) {
        return entry(name).defaults().get().schema().names();
    }

    private static Entry<?> entry(String name) {
        Entry<?> e = name == null ? null : ALL.get(name.toLowerCase(Locale.ROOT));
        if (e == null) {
            throw new IllegalArgumentException("unknown optimizer '" + name + "' (known: " + String.join(", ", ALL.keySet())
                    + ")");
        }
        return e;
    }
}
