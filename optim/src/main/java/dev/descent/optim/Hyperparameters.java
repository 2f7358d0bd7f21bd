package dev.descent.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The hyper-parameters of one parameter group: an immutable value per optimiser ({@code Adam.Options},
 * {@code SGD.Options}, ...) whose fields are {@code double}, {@code int} or {@code boolean} values, declared once in
 * a {@link Schema} with their names and defaults. Every optimiser has a learning rate and PyTorch's
 * {@code weight_decay} (see {@link WeightDecay}), so schedules and the decay read them here.
 *
 * <pre>{@code
 * Adam.Options o = Adam.options().withLr(3e-4).withAmsgrad(true);
 * double lr = o.lr();
 * Adam.Options same = o.with("lr", "3e-4");          // by name, as the registry and state dicts set them
 * }</pre>
 *
 * <p>A subclass declares its schema and one accessor and one wither per field, each a line that names only that
 * field ({@link #get}, {@link #with(Field, double)}); copying, equality, text and parsing are done here once.
 *
 * @param <O> the options type itself
 */
public abstract class Hyperparameters<O extends Hyperparameters<O>> {
    private final Schema<O> schema;
    private final double[] values;

    protected Hyperparameters(Schema<O> schema, double[] values) {
        this.schema = schema;
        this.values = values;
    }

    /** The learning rate. */
    public final double lr() {
        return values[schema.lr.index];
    }

    /** The same hyper-parameters with another learning rate. */
    public final O withLr(double lr) {
        return with(schema.lr, lr);
    }

    /** PyTorch's {@code weight_decay} lambda; how it is applied is {@link #decoupledWeightDecay()}. */
    public final double weightDecay() {
        return values[schema.weightDecay.index];
    }

    /** The same hyper-parameters with weight decay {@code lambda}. */
    public final O withWeightDecay(double lambda) {
        return with(schema.weightDecay, lambda);
    }

    /**
     * Whether the weight decay shrinks the weights directly ({@code w -= lr lambda w}, AdamW) instead of adding
     * {@code lambda w} to the gradient; only optimisers whose schema declares {@code decoupledWeightDecay} can.
     */
    public final boolean decoupledWeightDecay() {
        return schema.decoupled != null && values[schema.decoupled.index] != 0;
    }

    /** The value of field {@code f}. */
    protected final double get(Field f) {
        return values[f.index];
    }

    /** The value of the boolean field {@code f}. */
    protected final boolean flag(Field f) {
        return values[f.index] != 0;
    }

    /** The value of the integer field {@code f}. */
    protected final int integer(Field f) {
        return (int) values[f.index];
    }

    /** A copy with field {@code f} set to {@code v}. */
    protected final O with(Field f, double v) {
        double[] copy = values.clone();
        copy[f.index] = v;
        return schema.factory.apply(copy);
    }

    /** A copy with the boolean field {@code f} set to {@code v}. */
    protected final O with(Field f, boolean v) {
        return with(f, v ? 1 : 0);
    }

    /** A copy with the integer field {@code f} set to {@code v}. */
    protected final O with(Field f, int v) {
        return with(f, (double) v);
    }

    /**
     * A copy with the field called {@code name} set from {@code value}: a {@link Number}, a {@link Boolean} or its
     * text ({@code "0.01"}, {@code "true"}, {@code "3"}). An unknown name or a value of the wrong kind is an
     * {@link IllegalArgumentException} that names the field and lists the known ones.
     */
    public final O with(String name, Object value) {
        Field f = schema.field(name);
        if (f == null) {
            throw new IllegalArgumentException(schema.optimizer + ": unknown hyper-parameter '" + name + "' (known: "
                    + String.join(", ", schema.names()) + ")");
        }
        return with(f, f.kind.parse(value, schema.optimizer + ": hyper-parameter '" + name + "'"));
    }

    /** Every field by name, as text ({@code "0.001"}, {@code "true"}, {@code "3"}), in declaration order. */
    public final Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Field f : schema.fields) out.put(f.name, f.kind.text(values[f.index]));
        return out;
    }

    @Override
    public final boolean equals(Object o) {
        return o instanceof Hyperparameters<?> h && h.schema == schema && Arrays.equals(h.values, values);
    }

    @Override
    public final int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public final String toString() {
        StringBuilder sb = new StringBuilder("Options[");
        describe().forEach((k, v) -> sb.append(sb.length() > 8 ? ", " : "").append(k).append('=').append(v));
        return sb.append(']').toString();
    }

    /** The kind of a field's value. */
    public enum Kind {
        REAL, INTEGER, FLAG;

        String text(double v) {
            return switch (this) {
                case REAL -> String.valueOf(v);
                case INTEGER -> String.valueOf((int) v);
                case FLAG -> String.valueOf(v != 0);
            };
        }

        double parse(Object value, String what) {
            if (value instanceof Boolean b && this == FLAG) return b ? 1 : 0;
            if (value instanceof Number n && this != FLAG) {
                double d = n.doubleValue();
                if (this == INTEGER && (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE)) {
                    throw new IllegalArgumentException(what + " must be an int, got " + value);
                }
                return d;
            }
            if (value instanceof String text) return parseText(text, what);
            throw new IllegalArgumentException(what + " must be " + (this == FLAG ? "true or false" : "a number")
                    + ", got " + value);
        }

        private double parseText(String text, String what) {
            try {
                if (this == REAL) return Double.parseDouble(text);
                if (this == INTEGER) return Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(what + " must be a" + (this == REAL ? " double" : "n int")
                        + ", got '" + text + "'", e);
            }
            if (text.equals("true")) return 1;
            if (text.equals("false")) return 0;
            throw new IllegalArgumentException(what + " must be true or false, got '" + text + "'");
        }
    }

    /** One declared hyper-parameter: its name (PyTorch's, in camel case), kind and position. */
    public record Field(String name, Kind kind, int index) {
    }

    /**
     * The declared fields of one options type with their defaults, in order; {@code lr} and {@code weightDecay}
     * are required.
     *
     * <pre>{@code
     * private static final Schema<Options> SCHEMA = new Schema<>("Adamax", Options::new);
     * private static final Field LR = SCHEMA.real("lr", 2e-3), BETA1 = SCHEMA.real("beta1", 0.9);
     * }</pre>
     */
    public static final class Schema<O extends Hyperparameters<O>> {
        private final String optimizer;
        private final Function<double[], O> factory;
        private final List<Field> fields = new ArrayList<>();
        private final List<Double> defaults = new ArrayList<>();
        private Field lr, weightDecay, decoupled;

        /**
         * @param optimizer the optimiser's name, for messages
         * @param factory   the options type's constructor from the field values in declaration order
         */
        public Schema(String optimizer, Function<double[], O> factory) {
            this.optimizer = optimizer;
            this.factory = factory;
        }

        public Field real(String name, double initial) {
            return add(name, Kind.REAL, initial);
        }

        public Field integer(String name, int initial) {
            return add(name, Kind.INTEGER, initial);
        }

        public Field flag(String name, boolean initial) {
            return add(name, Kind.FLAG, initial ? 1 : 0);
        }

        private Field add(String name, Kind kind, double initial) {
            if (field(name) != null) throw new IllegalStateException(optimizer + ": field " + name + " declared twice");
            Field f = new Field(name, kind, fields.size());
            fields.add(f);
            defaults.add(initial);
            switch (name) {
                case "lr" -> lr = f;
                case "weightDecay" -> weightDecay = f;
                case "decoupledWeightDecay" -> decoupled = f;
                default -> { }
            }
            return f;
        }

        /** The options with every field at its declared default. */
        public O defaults() {
            if (lr == null || weightDecay == null) {
                throw new IllegalStateException(optimizer + ": a schema needs the fields lr and weightDecay");
            }
            double[] v = new double[defaults.size()];
            for (int i = 0; i < v.length; i++) v[i] = defaults.get(i);
            return factory.apply(v);
        }

        /** The field names in declaration order. */
        public List<String> names() {
            List<String> out = new ArrayList<>();
            for (Field f : fields) out.add(f.name);
            return Collections.unmodifiableList(out);
        }

        Field field(String name) {
            for (Field f : fields) if (f.name.equals(name)) return f;
            return null;
        }

        /** The options whose every field is given in {@code text} under {@code prefix + name}; none may be missing. */
        O parse(Map<String, String> text, String prefix, String op) {
            double[] v = new double[fields.size()];
            for (Field f : fields) {
                String t = text.get(prefix + f.name);
                if (t == null) throw new IllegalArgumentException(op + ": missing hyper-parameter '" + prefix + f.name + "'");
                v[f.index] = f.kind.parseText(t, op + ": hyper-parameter '" + prefix + f.name + "'");
            }
            return factory.apply(v);
        }
    }

    final Schema<O> schema() {
        return schema;
    }
}
