package dev.descent.optim;

import dev.descent.core.DType;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.optim.clip.Norms;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An optimiser's state to and from a {@link StateDict}: the buffers each optimiser declares ({@link StateBuffer})
 * and its step counts as {@code state.<i>.<buffer>} tensors, the hyper-parameters of each group by their declared
 * names ({@link Hyperparameters#describe()}) and the layout as metadata. Loading validates everything before it
 * changes anything.
 */
final class StateDicts {
    private StateDicts() {
    }

    static StateDict save(Optimizer<?> opt) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (int i = 0; i < opt.groups.params.length; i++) {
            ParamState s = opt.groups.states[i];
            if (s == null) continue;
            Tensor p = opt.params().get(i).value();
            tensors.put("state." + i + ".step", Tensor.on(p.backend(), DType.FLOAT64).scalar(s.step));
            for (Map.Entry<String, Tensor> b : s.buffers().entrySet()) {
                tensors.put("state." + i + "." + b.getKey(), b.getValue().copy());
            }
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("optimizer", opt.name());
        meta.put("groups", String.valueOf(opt.groupCount()));
        for (int g = 0; g < opt.groupCount(); g++) {
            meta.put("group." + g + ".params", ids(opt, g));
            for (Map.Entry<String, String> e : opt.groupOptions(g).describe().entrySet()) {
                meta.put("group." + g + "." + e.getKey(), e.getValue());
            }
        }
        meta.put("skipped_steps", String.valueOf(opt.skippedSteps()));
        return new StateDict(tensors, meta);
    }

    private static String ids(Optimizer<?> opt, int group) {
        StringBuilder ids = new StringBuilder();
        for (int i : opt.groups.members(group)) ids.append(ids.length() == 0 ? "" : ",").append(i);
        return ids.toString();
    }

    static <O extends Hyperparameters<O>> void load(Optimizer<O> opt, StateDict dict) {
        String op = opt.name() + ".loadStateDict";
        Map<String, String> meta = dict.metadata();
        String kind = meta.get("optimizer");
        if (!opt.name().equals(kind)) {
            throw new IllegalArgumentException(op + ": the state dict is for optimizer '" + kind + "', not " + opt.name());
        }
        int groups = opt.groupCount();
        if (!String.valueOf(groups).equals(meta.get("groups"))) {
            throw new IllegalArgumentException(op + ": expected " + groups + " parameter groups, got " + meta.get("groups"));
        }
        Hyperparameters.Schema<O> schema = opt.groupOptions(0).schema();
        List<O> options = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            String given = meta.get("group." + g + ".params");
            if (!ids(opt, g).equals(given)) {
                throw new IllegalArgumentException(op + ": group " + g + " holds parameters [" + ids(opt, g)
                        + "], the state dict's holds [" + given + "]");
            }
            O o = schema.parse(meta, "group." + g + ".", op);
            try {
                opt.check(o);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(op + ": group " + g + ": " + e.getMessage(), e);
            }
            options.add(o);
        }
        long skipped = parseCount(op, "skipped_steps", meta.get("skipped_steps"));
        List<Map<String, Tensor>> perParam = split(op, dict, opt.groups.params.length);
        ParamState[] loaded = new ParamState[opt.groups.params.length];
        for (int i = 0; i < loaded.length; i++) {
            Map<String, Tensor> given = perParam.get(i);
            if (given.isEmpty()) continue;
            List<StateBuffer> declared = opt.state(options.get(opt.groups.groupOf[i]));
            checkTensors(op, opt, i, given, declared);
            ParamState s = new ParamState(opt.params().get(i).value(), declared);
            s.step = parseStep(op, i, given.get("step"));
            for (StateBuffer b : declared) s.load(b.name(), given.get(b.name()));
            loaded[i] = s;
        }
        for (int g = 0; g < groups; g++) opt.groups.options.set(g, options.get(g));
        opt.replaceState(loaded, skipped);
    }

    /** The state dict's tensors per parameter, by buffer name; anything else is an error. */
    private static List<Map<String, Tensor>> split(String op, StateDict dict, int n) {
        List<Map<String, Tensor>> perParam = new ArrayList<>();
        for (int i = 0; i < n; i++) perParam.add(new LinkedHashMap<>());
        for (Map.Entry<String, Tensor> e : dict.tensors().entrySet()) {
            String key = e.getKey();
            int dot = key.indexOf('.', "state.".length());
            int index = -1;
            if (key.startsWith("state.") && dot > 0) {
                try {
                    index = Integer.parseInt(key.substring("state.".length(), dot));
                } catch (NumberFormatException ignored) {
                    index = -1;
                }
            }
            if (index < 0 || index >= n) {
                throw new IllegalArgumentException(op + ": unexpected tensor '" + key + "' (expected state.<i>.<name> "
                        + "with 0 <= i < " + n + ")");
            }
            perParam.get(index).put(key.substring(dot + 1), e.getValue());
        }
        return perParam;
    }

    private static void checkTensors(String op, Optimizer<?> opt, int i, Map<String, Tensor> given,
                                     List<StateBuffer> declared) {
        String param = opt.paramName(i);
        Map<String, Boolean> expected = new LinkedHashMap<>();
        for (StateBuffer b : declared) expected.put(b.name(), b.scalar());
        for (String key : given.keySet()) {
            if (!key.equals("step") && !expected.containsKey(key)) {
                throw new IllegalArgumentException(op + ": unexpected state tensor 'state." + i + "." + key
                        + "' for parameter " + param + " (expected " + expected.keySet() + " and step)");
            }
        }
        expected.put("step", true);
        for (Map.Entry<String, Boolean> e : expected.entrySet()) {
            String key = e.getKey();
            Tensor t = given.get(key);
            if (t == null) {
                throw new IllegalArgumentException(op + ": missing state tensor 'state." + i + "." + key
                        + "' for parameter " + param);
            }
            Shape want = e.getValue() ? Shape.scalar() : opt.params().get(i).shape();
            if (!t.shape().equals(want) || !t.dtype().isFloating()) {
                throw new IllegalArgumentException(op + ": state tensor 'state." + i + "." + key + "' is "
                        + t.dtype() + " " + t.shape() + ", expected a float32 or float64 tensor of shape " + want
                        + " for parameter " + param);
            }
            int bad = Norms.firstNonFinite(t);
            if (bad >= 0) {
                throw new IllegalArgumentException(op + ": state tensor 'state." + i + "." + key
                        + "' holds a non-finite value at element " + bad);
            }
        }
    }

    private static long parseStep(String op, int i, Tensor t) {
        double v = t.item();
        if (!(v >= 0) || v != Math.rint(v) || v > 0x1p53) {
            throw new IllegalArgumentException(op + ": 'state." + i + ".step' must be a whole number >= 0, got " + v);
        }
        return (long) v;
    }

    private static long parseCount(String op, String key, String text) {
        try {
            long v = Long.parseLong(text);
            if (v >= 0) return v;
        } catch (NumberFormatException | NullPointerException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(op + ": metadata '" + key + "' must be a whole number >= 0, got " + text);
    }
}
