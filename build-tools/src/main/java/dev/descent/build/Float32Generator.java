package dev.descent.build;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes the float32 twin of every float64 template in a source tree, so each float/double loop is written once.
 *
 * <p>A template is a Java file with the directive line
 *
 * <pre>
 * // float32 twin: FloatKernels
 * // float32 twin: FloatGemm DMatrixRMaj=FMatrixRMaj CommonOps_DDRM=CommonOps_FDRM
 * </pre>
 *
 * naming the generated class and, optionally, extra whole-word replacements. The twin is the template with, in
 * this order: the directive's replacements; the primitive {@code double} made {@code float}; identifiers starting
 * with {@code Double} made {@code Float...} ({@code DoubleKernels}, {@code DoubleBuffer}, {@code Double.isNaN});
 * {@code float64} made {@code float32} and {@code FLOAT64} made {@code FLOAT32}. A {@code double} written right
 * after the annotation {@code @Float64Only} stays {@code double} (an accumulator that keeps 64 bits in the float32
 * twin too). Nothing depends on variable names.
 *
 * <p>A template may not mention the word {@code float} itself (the twin would then have two of something); the
 * generator rejects it with the file and line. Usage: {@code Float32Generator SOURCE_ROOT OUTPUT_ROOT}; the twin
 * goes to the template's package directory under OUTPUT_ROOT, and is rewritten only when its text changes.
 */
public final class Float32Generator {
    /** The directive line that makes a file a template. */
    static final Pattern DIRECTIVE = Pattern.compile("(?m)^[ \\t]*// float32 twin: (\\w+)((?:[ \\t]+\\w+=\\w+)*)[ \\t]*$");
    private static final Pattern FLOAT = Pattern.compile("\\bfloat\\b");
    private static final Pattern KEPT = Pattern.compile("@Float64Only(\\s+)double\\b");
    private static final String MARK = "\u0000f64\u0000";

    private Float32Generator() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("Float32Generator: expected SOURCE_ROOT OUTPUT_ROOT, got "
                    + List.of(args));
        }
        int written = generate(Path.of(args[0]), Path.of(args[1]));
        System.out.println("Float32Generator: " + written + " float32 twin(s) under " + args[1]);
    }

    /** Generates the twin of every template under {@code sourceRoot}; returns how many templates there were. */
    public static int generate(Path sourceRoot, Path outputRoot) throws IOException {
        if (!Files.isDirectory(sourceRoot)) return 0;
        List<Path> files;
        try (Stream<Path> walk = Files.walk(sourceRoot)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        int count = 0;
        for (Path file : files) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            Matcher d = DIRECTIVE.matcher(text);
            if (!d.find()) continue;
            String twin = twin(text, file.getFileName().toString());
            Path out = outputRoot.resolve(sourceRoot.relativize(file)).resolveSibling(d.group(1) + ".java");
            Files.createDirectories(out.getParent());
            if (!Files.exists(out) || !Files.readString(out, StandardCharsets.UTF_8).equals(twin)) {
                Files.writeString(out, twin, StandardCharsets.UTF_8);
            }
            count++;
        }
        return count;
    }

    /** The float32 twin of the template {@code text} (from the file {@code name}, named in errors and the header). */
    public static String twin(String text, String name) {
        Matcher d = DIRECTIVE.matcher(text);
        if (!d.find()) throw new IllegalArgumentException(name + ": no '// float32 twin: NAME' directive");
        Matcher f = FLOAT.matcher(text);
        if (f.find()) {
            int line = (int) text.substring(0, f.start()).chars().filter(c -> c == '\n').count() + 1;
            throw new IllegalArgumentException(name + ":" + line + ": a float32 template must not mention 'float' "
                    + "(its twin would have it twice); write the float64 form only");
        }
        Map<String, String> replace = new LinkedHashMap<>();
        for (String pair : d.group(2).trim().split("\\s+")) {
            if (pair.isEmpty()) continue;
            String[] kv = pair.split("=");
            replace.put(kv[0], kv[1]);
        }
        String generatedName = d.group(1);
        String header = "// Generated at build time from " + name
                + " by dev.descent.build.Float32Generator: edit that file.";
        String body = text.substring(0, d.start()) + MARK + "header" + text.substring(d.end());
        body = KEPT.matcher(body).replaceAll("@Float64Only$1" + MARK);
        for (Map.Entry<String, String> e : replace.entrySet()) {
            body = body.replaceAll("\\b" + Pattern.quote(e.getKey()) + "\\b", Matcher.quoteReplacement(e.getValue()));
        }
        body = body.replaceAll("\\bdouble\\b", "float")
                .replaceAll("\\bDouble", "Float")
                .replaceAll("\\bfloat64\\b", "float32")
                .replaceAll("\\bFLOAT64\\b", "FLOAT32")
                .replace(MARK + "header", header)
                .replace(MARK, "double");
        String templateClass = name.endsWith(".java") ? name.substring(0, name.length() - 5) : name;
        if (!body.contains("class " + generatedName) && !body.contains("interface " + generatedName)) {
            throw new IllegalArgumentException(name + ": the twin of " + templateClass + " does not declare "
                    + generatedName + "; name the twin after the template with Double replaced by Float");
        }
        return body;
    }
}
