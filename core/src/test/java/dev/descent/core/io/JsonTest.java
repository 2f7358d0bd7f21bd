package dev.descent.core.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonTest {
    private static Object bytes(int... b) {
        byte[] a = new byte[b.length];
        for (int i = 0; i < b.length; i++) a[i] = (byte) b[i];
        return Json.parse(a, 0, a.length);
    }

    private static void rejects(String fragment, String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(text), text);
        assertTrue(e.getMessage().startsWith("invalid JSON") && e.getMessage().contains(fragment),
                () -> text + ": expected '" + fragment + "' in: " + e.getMessage());
    }

    private static void rejectsBytes(String fragment, int... b) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bytes(b), Arrays.toString(b));
        assertTrue(e.getMessage().contains(fragment), () -> "expected '" + fragment + "' in: " + e.getMessage());
    }

    @Test
    void readsEveryKindOfValueOfRfc8259() {
        Object v = Json.parse(" {\"a\" : [1, -2.5e-3, \"x\", true, false, null, {}, []],\r\n\t\"b\":{\"c\":-0}} ");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(Arrays.asList(1L, -2.5e-3, "x", true, false, null, Map.of(), List.of()), m.get("a"));
        assertEquals(Map.of("c", 0L), m.get("b"));
        assertEquals(List.of("a", "b"), List.copyOf(m.keySet()));
    }

    @Test
    void numbersFollowTheGrammarExactly() {
        // RFC 8259: number = [ minus ] int [ frac ] [ exp ]; int = zero / ( digit1-9 *DIGIT )
        assertEquals(0L, Json.parse("-0"));
        assertEquals(-0.0, Json.parse("-0.0"));
        assertEquals(100.0, Json.parse("1E+2"));
        assertEquals(0.5e-3, Json.parse("0.5e-3"));
        assertEquals(Long.MAX_VALUE, Json.parse("9223372036854775807"));
        assertEquals(9.223372036854775808E18, Json.parse("9223372036854775808")); // beyond Long: a Double
        rejects("leading zero", "0008");
        rejects("leading zero", "-01");
        rejects("leading zero", "[00]");
        rejects("unexpected '+'", "+1");
        rejects("unexpected '.'", ".5");
        rejects("a fraction needs a digit", "1.");
        rejects("a fraction needs a digit", "1.e5");
        rejects("an exponent needs a digit", "1e");
        rejects("an exponent needs a digit", "1e+");
        rejects("a number needs a digit", "-");
        rejects("a number needs a digit", "--1");
        rejects("after the value", "0x10");
        rejects("after the value", "1.5.2");
        rejects("unexpected 'N'", "NaN");
        rejects("unexpected 'I'", "Infinity");
        rejects("a number needs a digit", "-Infinity");
        rejects("number longer than", "1" + "0".repeat(Json.MAX_NUMBER));
    }

    @Test
    void unicodeEscapesHaveExactlyFourHexDigitsAndPairedSurrogates() {
        assertEquals("A\u00e9\ud83d\ude00/\"\\\b\f\n\r\t", Json.parse("\"\\u0041\\u00E9\\ud83d\\ude00\\/\\\"\\\\\\b\\f\\n\\r\\t\""));
        rejects("four hex digits, got '+'", "\"\\u+041\"");
        rejects("four hex digits, got '-'", "\"\\u-041\"");
        rejects("four hex digits, got '\"'", "\"\\u004\"");
        rejects("four hex digits, got 'G'", "\"\\u00G1\"");
        rejects("four hex digits, got ' '", "\"\\u 041\"");
        rejects("bad escape 'x'", "\"\\x41\"");
        rejects("bad escape 'U'", "\"\\U0041\"");
        rejects("high surrogate without a low one", "\"\\ud800\"");
        rejects("high surrogate without a low one", "\"\\ud800\\u0041\"");
        rejects("low surrogate without a high one", "\"\\udc00\"");
        rejects("unpaired surrogate", "\"\ud800\"");
    }

    @Test
    void utf8IsDecodedStrictlyNeverReplaced() {
        // well-formed: e-acute (2 bytes), euro (3), U+FFFF (3), grinning face (4), U+10FFFF (4)
        assertEquals("\u00e9\u20ac\uffff\ud83d\ude00\udbff\udfff", bytes('"', 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xEF, 0xBF, 0xBF,
                0xF0, 0x9F, 0x98, 0x80, 0xF4, 0x8F, 0xBF, 0xBF, '"'));
        rejectsBytes("invalid UTF-8 byte 0xFF", '"', 0xFF, '"');
        rejectsBytes("invalid UTF-8 byte 0x80", '"', 0x80, '"');           // a lone continuation byte
        rejectsBytes("invalid UTF-8 byte 0xC0", '"', 0xC0, 0xAF, '"');     // overlong '/'
        rejectsBytes("invalid UTF-8 byte 0xC1", '"', 0xC1, 0x81, '"');     // overlong 'A'
        rejectsBytes("continuation byte 0x80", '"', 0xE0, 0x80, 0xAF, '"'); // overlong, 3 bytes
        rejectsBytes("continuation byte 0x8F", '"', 0xF0, 0x8F, 0xBF, 0xBF, '"'); // overlong, 4 bytes
        rejectsBytes("continuation byte 0xA0", '"', 0xED, 0xA0, 0x80, '"'); // an encoded surrogate
        rejectsBytes("continuation byte 0x90", '"', 0xF4, 0x90, 0x80, 0x80, '"'); // above U+10FFFF
        rejectsBytes("invalid UTF-8 byte 0xF5", '"', 0xF5, 0x80, 0x80, 0x80, '"');
        rejectsBytes("continuation byte 0x22", '"', 0xE2, 0x82, '"');       // truncated by the quote
        rejectsBytes("truncated UTF-8", '"', 0xE2, 0x82);
        rejectsBytes("invalid UTF-8 byte 0xFE", '{', '"', 'k', 0xFE, '"', ':', '1', '}');
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1,]", "{\"a\":1,}", "[1 2]", "{\"a\" 1}", "{\"a\":1 \"b\":2}", "{1:2}", "[", "{", "\"abc",
        "[1]]", "{\"a\":1}}", "", " ", "tru", "nul", "[true false]", "\"a\tb\"", "\"a\nb\"", "\f1", "1\u000b", "[1,,2]",
        "{,}", "[,1]"})
    void malformedDocumentsAreRejected(String text) {
        assertThrows(IllegalArgumentException.class, () -> Json.parse(text), text);
    }

    @Test
    void duplicateKeysDepthAndStringLengthAreBounded() {
        rejects("duplicate key \"a\"", "{\"a\":1,\"b\":2,\"a\":3}");
        rejects("duplicate key \"a\"", "{\"a\":null,\"a\":null}");
        rejects("nesting deeper than 16", "[".repeat(17) + "]".repeat(17));
        assertEquals(List.of(), unwrap(Json.parse("[".repeat(16) + "]".repeat(16)), 15));
        rejects("string longer than", "\"" + "x".repeat(Json.MAX_STRING + 1) + "\"");
        assertEquals(Json.MAX_STRING, ((String) Json.parse("\"" + "y".repeat(Json.MAX_STRING) + "\"")).length());
    }

    private static Object unwrap(Object v, int levels) {
        for (int i = 0; i < levels; i++) v = ((List<?>) v).get(0);
        return v;
    }

    @Test
    void errorsNameTheByteOffset() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": 0008}"));
        assertEquals("invalid JSON at byte 7: a number may not have a leading zero", e.getMessage());
    }

    @Test
    void theWriterOutputReadsBack() {
        String text = "{" + Json.quote("na\"me\\\n\u0001é") + ":[" + Json.number(1e-5) + "," + Json.number(Double.NaN)
                + "," + Json.number(Double.NEGATIVE_INFINITY) + "," + Json.number(-0.0) + "]}";
        Map<?, ?> m = (Map<?, ?>) Json.parse(text);
        List<?> values = (List<?>) m.get("na\"me\\\n\u0001é");
        assertEquals(1e-5, Json.toDouble(values.get(0)));
        assertTrue(Double.isNaN(Json.toDouble(values.get(1))));
        assertEquals(Double.NEGATIVE_INFINITY, Json.toDouble(values.get(2)));
        assertEquals(-0.0, Json.toDouble(values.get(3)));
    }
}
