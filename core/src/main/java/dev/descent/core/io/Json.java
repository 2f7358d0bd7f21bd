package dev.descent.core.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict, bounded JSON reader and a small writer, for safetensors headers, checkpoints and histories. Objects become ordered maps (duplicate
 * keys are an error), arrays lists, numbers {@code Long} (integers) or {@code Double}, strings {@code String}.
 * Nesting deeper than {@link #MAX_DEPTH} and strings longer than {@link #MAX_STRING} are rejected, so a hostile
 * header cannot exhaust the stack or memory.
 */
public final class Json {
    public static final int MAX_DEPTH = 16;
    public static final int MAX_STRING = 1 << 20;

    private final String s;
    private int at;

    private Json(String s) {
        this.s = s;
    }

    /** Parses {@code text}; an {@link IllegalArgumentException} names the character where it went wrong. */
    public static Object parse(String text) {
        Json j = new Json(text);
        j.skipSpace();
        Object v = j.value(0);
        j.skipSpace();
        if (j.at != text.length()) throw j.error("unexpected trailing characters");
        return v;
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("invalid JSON at character " + at + ": " + what);
    }

    private void skipSpace() {
        while (at < s.length() && " \t\r\n".indexOf(s.charAt(at)) >= 0) at++;
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH);
        if (at >= s.length()) throw error("unexpected end");
        char c = s.charAt(at);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> number();
        };
    }

    private Object literal(String word, Object v) {
        if (!s.startsWith(word, at)) throw error("unexpected character '" + s.charAt(at) + "'");
        at += word.length();
        return v;
    }

    private Map<String, Object> object(int depth) {
        Map<String, Object> m = new LinkedHashMap<>();
        at++;
        skipSpace();
        if (at < s.length() && s.charAt(at) == '}') {
            at++;
            return m;
        }
        while (true) {
            skipSpace();
            if (at >= s.length() || s.charAt(at) != '"') throw error("expected a key string");
            String key = string();
            skipSpace();
            expect(':');
            skipSpace();
            Object v = value(depth + 1);
            if (m.containsKey(key)) throw error("duplicate key \"" + key + "\"");
            m.put(key, v);
            skipSpace();
            if (at < s.length() && s.charAt(at) == ',') {
                at++;
                continue;
            }
            expect('}');
            return m;
        }
    }

    private List<Object> array(int depth) {
        List<Object> list = new ArrayList<>();
        at++;
        skipSpace();
        if (at < s.length() && s.charAt(at) == ']') {
            at++;
            return list;
        }
        while (true) {
            skipSpace();
            list.add(value(depth + 1));
            skipSpace();
            if (at < s.length() && s.charAt(at) == ',') {
                at++;
                continue;
            }
            expect(']');
            return list;
        }
    }

    private void expect(char c) {
        if (at >= s.length() || s.charAt(at) != c) throw error("expected '" + c + "'");
        at++;
    }

    private String string() {
        StringBuilder sb = new StringBuilder();
        at++;
        while (true) {
            if (at >= s.length()) throw error("unterminated string");
            if (sb.length() > MAX_STRING) throw error("string longer than " + MAX_STRING + " characters");
            char c = s.charAt(at++);
            if (c == '"') return sb.toString();
            if (c < 0x20) throw error("control character in string");
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (at >= s.length()) throw error("unterminated escape");
            char e = s.charAt(at++);
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (at + 4 > s.length()) throw error("short unicode escape");
                    try {
                        sb.append((char) Integer.parseInt(s.substring(at, at + 4), 16));
                    } catch (NumberFormatException ex) {
                        throw error("bad unicode escape");
                    }
                    at += 4;
                }
                default -> throw error("bad escape '\\" + e + "'");
            }
        }
    }

    private Object number() {
        int start = at;
        if (at < s.length() && s.charAt(at) == '-') at++;
        while (at < s.length() && "0123456789.eE+-".indexOf(s.charAt(at)) >= 0) at++;
        String t = s.substring(start, at);
        if (t.isEmpty() || t.length() > 40) throw error("bad value");
        try {
            if (t.matches("-?\\d+")) return Long.parseLong(t);
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw error("bad number '" + t + "'");
        }
    }

    /** A number, or for NaN and infinities the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}. */
    public static String number(double v) {
        return Double.isFinite(v) ? Double.toString(v) : quote(Double.toString(v));
    }

    /** Reads back a value written by {@link #number}. */
    public static double toDouble(Object v) {
        if (v instanceof Number n) return n.doubleValue();
        if (v instanceof String s) return Double.parseDouble(s);
        throw new IllegalArgumentException("expected a number, got " + v);
    }

    /** A JSON string literal. */
    public static String quote(String v) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : v.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }
}
