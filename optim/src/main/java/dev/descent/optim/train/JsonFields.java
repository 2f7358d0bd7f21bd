package dev.descent.optim.train;

import dev.descent.core.io.Json;

import java.util.List;
import java.util.Map;

/**
 * Typed reads of a parsed JSON object, for the files the trainer writes (checkpoint state, history): every failure is
 * a {@link Bad} naming the field by its path ({@code steps[3][1]}, {@code generators.4.rng}), never a cast error.
 */
final class JsonFields {
    /** A field that is missing or has the wrong type or value. */
    static final class Bad extends IllegalArgumentException {
        final String field;
        final String problem;

        Bad(String field, String problem) {
            super("'" + field + "' " + problem);
            this.field = field;
            this.problem = problem;
        }
    }

    private final Map<String, Object> map;
    private final String path;

    private JsonFields(Map<String, Object> map, String path) {
        this.map = map;
        this.path = path;
    }

    /** The document {@code text}, which must be a JSON object. */
    static JsonFields parse(String text) {
        Object root;
        try {
            root = Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new Bad("(document)", "is not valid JSON: " + e.getMessage());
        }
        return new JsonFields(object(root, "(document)"), "");
    }

    boolean has(String name) {
        return map.containsKey(name);
    }

    boolean isNull(String name) {
        return map.containsKey(name) && map.get(name) == null;
    }

    java.util.Set<String> names() {
        return map.keySet();
    }

    String name(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    private Object get(String name) {
        if (!map.containsKey(name)) throw new Bad(name(name), "is missing");
        return map.get(name);
    }

    JsonFields object(String name) {
        return new JsonFields(object(get(name), name(name)), name(name));
    }

    List<Object> array(String name) {
        return array(get(name), name(name));
    }

    long whole(String name, long min) {
        return whole(get(name), name(name), min);
    }

    double real(String name) {
        return real(get(name), name(name));
    }

    String string(String name) {
        return string(get(name), name(name));
    }

    /** A list of longs written as decimal strings (JSON numbers cannot hold 64 bits), of the given length. */
    long[] longs(String name, int length) {
        return longs(get(name), name(name), length);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object v, String field) {
        if (v instanceof Map<?, ?> m) return (Map<String, Object>) m;
        throw new Bad(field, "must be an object, got " + describe(v));
    }

    @SuppressWarnings("unchecked")
    static List<Object> array(Object v, String field) {
        if (v instanceof List<?> l) return (List<Object>) l;
        throw new Bad(field, "must be an array, got " + describe(v));
    }

    static long whole(Object v, String field, long min) {
        if (v instanceof Long n && n >= min) return n;
        throw new Bad(field, "must be a whole number >= " + min + ", got " + describe(v));
    }

    static int integer(Object v, String field, int min) {
        long n = whole(v, field, min);
        if (n > Integer.MAX_VALUE) throw new Bad(field, "must be at most " + Integer.MAX_VALUE + ", got " + n);
        return (int) n;
    }

    /** A number, or the strings {@link Json#number} writes for NaN and the infinities. */
    static double real(Object v, String field) {
        if (v instanceof Number n) return n.doubleValue();
        if ("NaN".equals(v) || "Infinity".equals(v) || "-Infinity".equals(v)) return Double.parseDouble((String) v);
        throw new Bad(field, "must be a number, got " + describe(v));
    }

    static String string(Object v, String field) {
        if (v instanceof String s) return s;
        throw new Bad(field, "must be a string, got " + describe(v));
    }

    static long[] longs(Object v, String field, int length) {
        List<Object> list = array(v, field);
        if (list.size() != length) {
            throw new Bad(field, "must hold " + length + " values, got " + list.size());
        }
        long[] out = new long[length];
        for (int i = 0; i < length; i++) {
            String s = string(list.get(i), field + "[" + i + "]");
            try {
                out[i] = Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw new Bad(field + "[" + i + "]", "must be a 64-bit whole number, got " + Json.quote(s));
            }
        }
        return out;
    }

    private static String describe(Object v) {
        if (v == null) return "null";
        if (v instanceof String s) return Json.quote(s.length() > 40 ? s.substring(0, 40) + "..." : s);
        if (v instanceof Map) return "an object";
        if (v instanceof List) return "an array";
        return v.toString();
    }
}
