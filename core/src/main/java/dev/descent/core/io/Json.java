package dev.descent.core.io;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict, bounded JSON reader (RFC 8259) and a small writer, for safetensors headers, checkpoints and histories.
 * Objects become ordered maps, arrays lists, integers {@code Long} (or {@code Double} beyond its range), other
 * numbers {@code Double}, strings {@code String}.
 *
 * <pre>{@code
 * Map<String, Object> m = (Map<String, Object>) Json.parse("{\"epoch\": 3, \"loss\": 0.25}");
 * String text = "{" + Json.quote("name") + ":" + Json.number(0.5) + "}";
 * }</pre>
 *
 * <p>The reader accepts exactly RFC 8259's grammar: numbers are {@code -? (0 | [1-9][0-9]*) (.[0-9]+)?
 * ([eE][+-]?[0-9]+)?} (so {@code -0} and {@code 1E+2} are numbers, {@code 0008}, {@code +1}, {@code .5}, {@code 1.}
 * are not), {@code \\u} escapes have exactly four hex digits, whitespace is space, tab, LF and CR only, and the
 * literals are {@code true}, {@code false}, {@code null}. Beyond the grammar it rejects: invalid UTF-8 (overlong
 * forms, encoded surrogates, code points above U+10FFFF, truncated sequences) rather than replacing it with U+FFFD;
 * {@code \\u} escapes that leave a surrogate unpaired; duplicate keys in an object; nesting deeper than
 * {@link #MAX_DEPTH}; strings longer than {@link #MAX_STRING} characters; numbers longer than {@link #MAX_NUMBER}
 * characters. Parsing is one pass, linear in the input. Every violation is an {@link IllegalArgumentException}
 * that names the byte offset and the problem.
 */
public final class Json {
    public static final int MAX_DEPTH = 16;
    public static final int MAX_STRING = 1 << 20;
    /** The longest number accepted, in characters (RFC 8259 lets implementations limit range and precision). */
    public static final int MAX_NUMBER = 1 << 10;

    private Json() {
    }

    /** Parses {@code text}; an {@link IllegalArgumentException} names the byte (of its UTF-8 form) where it went wrong. */
    public static Object parse(String text) {
        byte[] utf8;
        try {
            ByteBuffer b = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(text));
            utf8 = Arrays.copyOf(b.array(), b.limit());
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("invalid JSON: the text holds an unpaired surrogate (not Unicode)");
        }
        return parse(utf8, 0, utf8.length);
    }

    /** Parses the UTF-8 bytes {@code utf8[from, to)}. */
    static Object parse(byte[] utf8, int from, int to) {
        Reader r = new Reader(utf8, from, to);
        Object v = r.value();
        r.end();
        return v;
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

    /**
     * A pull reader over UTF-8 bytes, for callers that build their own compact structures instead of a tree (the
     * safetensors header): {@code beginObject}/{@code nextMember}/{@code name}, {@code beginArray}/{@code nextElement},
     * {@code string}, {@code numberValue}, {@code skipValue}, {@code end}. Work is linear in the bytes and memory is the
     * strings returned plus one reused buffer; nothing else is retained.
     */
    static final class Reader {
        private final byte[] b;
        private final int start, end;
        private int at;
        private int depth;
        /** Per open container: whether no member or element has been read yet. */
        private final boolean[] first = new boolean[MAX_DEPTH + 2];
        private char[] chars = new char[64];

        Reader(byte[] utf8, int from, int to) {
            this.b = utf8;
            this.start = from;
            this.end = to;
            this.at = from;
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException("invalid JSON at byte " + (at - start) + ": " + what);
        }

        private void skipSpace() {
            while (at < end) {
                byte c = b[at];
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
                at++;
            }
        }

        /** The next significant byte, without consuming it; -1 at the end. */
        int peek() {
            skipSpace();
            return at < end ? b[at] & 0xFF : -1;
        }

        private void expect(char c) {
            if (peek() != c) throw error(at < end ? "expected '" + c + "', got " + describe(b[at]) : "expected '" + c + "', got the end");
            at++;
        }

        private static String describe(byte c) {
            int u = c & 0xFF;
            return u >= 0x20 && u < 0x7F ? "'" + (char) u + "'" : String.format("byte 0x%02X", u);
        }

        /** After the top-level value: only whitespace may follow. */
        void end() {
            if (peek() != -1) throw error("unexpected " + describe(b[at]) + " after the value");
        }

        void beginObject() {
            open('{');
        }

        void beginArray() {
            open('[');
        }

        private void open(char c) {
            if (depth >= MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH);
            expect(c);
            first[++depth] = true;
        }

        /** Whether the open object has another member; consumes the separating comma or the closing brace. */
        boolean nextMember() {
            return next('}');
        }

        /** Whether the open array has another element; consumes the separating comma or the closing bracket. */
        boolean nextElement() {
            return next(']');
        }

        private boolean next(char close) {
            int c = peek();
            if (c == close) {
                at++;
                depth--;
                return false;
            }
            if (first[depth]) {
                first[depth] = false;
                if (c == -1) throw error("unexpected end, expected a value or '" + close + "'");
                return true;
            }
            if (c == ',') {
                at++;
                if (peek() == close) throw error("expected a value after ',', got '" + close + "'");
                return true;
            }
            throw error(c == -1 ? "unexpected end, expected ',' or '" + close + "'"
                    : "expected ',' or '" + close + "', got " + describe(b[at]));
        }

        /** A member's key and its colon. */
        String name() {
            if (peek() != '"') throw error(at < end ? "expected a key string, got " + describe(b[at]) : "expected a key string, got the end");
            String key = string();
            expect(':');
            return key;
        }

        /** Any value, as a tree (maps, lists, strings, numbers, booleans, null). */
        Object value() {
            int c = peek();
            switch (c) {
                case '{' -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    beginObject();
                    while (nextMember()) {
                        int keyAt = at;
                        String key = name();
                        if (m.containsKey(key)) {
                            at = keyAt;
                            throw error("duplicate key " + quote(key));
                        }
                        m.put(key, value());
                    }
                    return m;
                }
                case '[' -> {
                    List<Object> list = new ArrayList<>();
                    beginArray();
                    while (nextElement()) list.add(value());
                    return list;
                }
                case '"' -> {
                    return string();
                }
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) return numberValue();
                    return literal();
                }
            }
        }

        private Object literal() {
            if (matches("true")) return Boolean.TRUE;
            if (matches("false")) return Boolean.FALSE;
            if (matches("null")) return null;
            throw error(at < end ? "unexpected " + describe(b[at]) : "unexpected end, expected a value");
        }

        private boolean matches(String word) {
            if (end - at < word.length()) return false;
            for (int i = 0; i < word.length(); i++) if (b[at + i] != word.charAt(i)) return false;
            at += word.length();
            return true;
        }

        /** Skips one value of any kind without building it (strings are still validated). */
        void skipValue() {
            int c = peek();
            if (c == '{') {
                beginObject();
                while (nextMember()) {
                    scanString(false);
                    expect(':');
                    skipValue();
                }
            } else if (c == '[') {
                beginArray();
                while (nextElement()) skipValue();
            } else if (c == '"') {
                scanString(false);
            } else if (c == '-' || (c >= '0' && c <= '9')) {
                numberEnd();
            } else {
                literal();
            }
        }

        /** A string value. */
        String string() {
            int n = scanString(true);
            return new String(chars, 0, n);
        }

        /**
         * Scans a string starting at its opening quote, validating UTF-8 and escapes; with {@code keep} its
         * characters go to {@link #chars}, whose used length is returned.
         */
        private int scanString(boolean keep) {
            if (peek() != '"') throw error(at < end ? "expected a string, got " + describe(b[at]) : "expected a string, got the end");
            at++;
            int n = 0;
            while (true) {
                if (at >= end) throw error("unterminated string");
                if (n > MAX_STRING) throw error("string longer than " + MAX_STRING + " characters");
                if (keep && n + 2 > chars.length) chars = Arrays.copyOf(chars, Math.min(Math.max(2 * chars.length, 64), MAX_STRING + 2));
                int c = b[at] & 0xFF;
                if (c == '"') {
                    at++;
                    return n;
                }
                if (c < 0x20) throw error(String.format("control character U+%04X in a string", c));
                if (c == '\\') {
                    n = escape(keep, n);
                } else if (c < 0x80) {
                    if (keep) chars[n] = (char) c;
                    n++;
                    at++;
                } else {
                    int cp = codePoint(c);
                    if (keep) n += Character.toChars(cp, chars, n);
                    else n += Character.charCount(cp);
                }
            }
        }

        /**
         * One UTF-8 sequence starting with lead byte {@code c} at {@link #at}: only the well-formed sequences of
         * Unicode's table 3-7 (no overlong forms, no surrogates, nothing above U+10FFFF).
         */
        private int codePoint(int c) {
            int length, cp, low = 0x80, high = 0xBF;
            if (c >= 0xC2 && c <= 0xDF) {
                length = 2;
                cp = c & 0x1F;
            } else if (c >= 0xE0 && c <= 0xEF) {
                length = 3;
                cp = c & 0x0F;
                if (c == 0xE0) low = 0xA0;
                if (c == 0xED) high = 0x9F;
            } else if (c >= 0xF0 && c <= 0xF4) {
                length = 4;
                cp = c & 0x07;
                if (c == 0xF0) low = 0x90;
                if (c == 0xF4) high = 0x8F;
            } else {
                throw error(String.format("invalid UTF-8 byte 0x%02X", c));
            }
            for (int i = 1; i < length; i++) {
                if (at + i >= end) throw error("truncated UTF-8 sequence");
                int next = b[at + i] & 0xFF;
                if (next < low || next > high) {
                    at += i;
                    throw error(String.format("invalid UTF-8 continuation byte 0x%02X", next));
                }
                low = 0x80;
                high = 0xBF;
                cp = (cp << 6) | (next & 0x3F);
            }
            at += length;
            return cp;
        }

        private int escape(boolean keep, int n) {
            if (at + 1 >= end) throw error("unterminated escape");
            int e = b[at + 1] & 0xFF;
            char c;
            switch (e) {
                case '"', '\\', '/' -> c = (char) e;
                case 'b' -> c = '\b';
                case 'f' -> c = '\f';
                case 'n' -> c = '\n';
                case 'r' -> c = '\r';
                case 't' -> c = '\t';
                case 'u' -> {
                    char unit = hex4(at + 2);
                    at += 6;
                    if (Character.isLowSurrogate(unit)) {
                        at -= 6;
                        throw error("\\u escape " + String.format("%04X", (int) unit) + " is a low surrogate without a high one");
                    }
                    if (Character.isHighSurrogate(unit)) {
                        if (at + 1 >= end || b[at] != '\\' || b[at + 1] != 'u' || !Character.isLowSurrogate(hex4(at + 2))) {
                            at -= 6;
                            throw error("\\u escape " + String.format("%04X", (int) unit) + " is a high surrogate without a low one");
                        }
                        if (keep) {
                            chars[n] = unit;
                            chars[n + 1] = hex4(at + 2);
                        }
                        at += 6;
                        return n + 2;
                    }
                    if (keep) chars[n] = unit;
                    return n + 1;
                }
                default -> throw error("bad escape " + describe((byte) e) + " after '\\'");
            }
            if (keep) chars[n] = c;
            at += 2;
            return n + 1;
        }

        /** Exactly four hex digits at {@code p} (no sign, unlike {@code Integer.parseInt}). */
        private char hex4(int p) {
            if (p + 4 > end) throw error("\\u escape needs four hex digits");
            int v = 0;
            for (int i = p; i < p + 4; i++) {
                int d = Character.digit(b[i] & 0xFF, 16);
                if (d < 0 || b[i] < 0) {
                    at = i;
                    throw error("\\u escape needs four hex digits, got " + describe(b[i]));
                }
                v = (v << 4) | d;
            }
            return (char) v;
        }

        /** A number as {@code Long} when integral and in range, else {@code Double}. */
        Object numberValue() {
            int from = at;
            boolean integral = numberEnd();
            String t = new String(b, from, at - from, StandardCharsets.ISO_8859_1);
            if (integral) {
                try {
                    return Long.parseLong(t);
                } catch (NumberFormatException beyondLong) {
                    return Double.parseDouble(t);
                }
            }
            return Double.parseDouble(t);
        }

        /** Consumes one number of RFC 8259's grammar; returns whether it had neither fraction nor exponent. */
        private boolean numberEnd() {
            int from = at;
            if (at < end && b[at] == '-') at++;
            if (at >= end || !digit(b[at])) throw error("a number needs a digit" + (at < end ? ", got " + describe(b[at]) : ""));
            if (b[at] == '0') {
                at++;
                if (at < end && digit(b[at])) throw error("a number may not have a leading zero");
            } else {
                while (at < end && digit(b[at])) at++;
            }
            boolean integral = true;
            if (at < end && b[at] == '.') {
                at++;
                if (at >= end || !digit(b[at])) throw error("a fraction needs a digit after '.'");
                while (at < end && digit(b[at])) at++;
                integral = false;
            }
            if (at < end && (b[at] == 'e' || b[at] == 'E')) {
                at++;
                if (at < end && (b[at] == '+' || b[at] == '-')) at++;
                if (at >= end || !digit(b[at])) throw error("an exponent needs a digit");
                while (at < end && digit(b[at])) at++;
                integral = false;
            }
            if (at - from > MAX_NUMBER) {
                at = from;
                throw error("number longer than " + MAX_NUMBER + " characters");
            }
            return integral;
        }

        private static boolean digit(byte c) {
            return c >= '0' && c <= '9';
        }
    }
}
