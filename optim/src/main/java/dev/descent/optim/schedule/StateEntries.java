package dev.descent.optim.schedule;

import java.util.Map;

/** Reading the string entries of a scheduler's state dict, each failure naming the entry. */
final class StateEntries {
    private StateEntries() {
    }

    static String text(String op, Map<String, String> state, String key) {
        String v = state.get(key);
        if (v == null) throw new IllegalArgumentException(op + ": missing entry '" + key + "'");
        return v;
    }

    static int whole(String op, Map<String, String> state, String key, int min) {
        String v = text(op, state, key);
        try {
            int n = Integer.parseInt(v);
            if (n >= min) return n;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(op + ": '" + key + "' must be a whole number >= " + min + ", got '" + v + "'");
    }

    /** A number as {@link Double#toString} writes it, infinities and NaN included. */
    static double real(String op, Map<String, String> state, String key) {
        String v = text(op, state, key);
        if (v.equals("NaN") || v.equals("Infinity") || v.equals("-Infinity") || v.matches("-?[0-9][0-9.]*(E-?[0-9]+)?")) {
            return Double.parseDouble(v);
        }
        throw new IllegalArgumentException(op + ": '" + key + "' must be a number, got '" + v + "'");
    }

    static boolean choice(String op, Map<String, String> state, String key, String whenTrue, String whenFalse) {
        String v = text(op, state, key);
        if (v.equals(whenTrue)) return true;
        if (v.equals(whenFalse)) return false;
        throw new IllegalArgumentException(op + ": '" + key + "' must be " + whenTrue + " or " + whenFalse + ", got '"
                + v + "'");
    }
}
