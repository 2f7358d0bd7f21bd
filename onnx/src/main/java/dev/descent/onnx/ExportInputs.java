package dev.descent.onnx;

import dev.descent.core.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sample inputs of an export and the names of the graph inputs they become: the module's input, and the masks
 * of an attention model ({@code attn_mask}, {@code key_padding_mask}), which then enter the ONNX model as inputs of
 * their own and are applied as {@link dev.descent.nn.layers.MultiheadAttention} applies them.
 *
 * <pre>{@code
 * // a TransformerEncoder (sequence-first) with a causal float mask (L, L) and a padding mask (N, L), INT32 = bool
 * Onnx.export(encoder, ExportInputs.of(src)
 *         .attnMask("src_mask", MultiheadAttention.generateSquareSubsequentMask(length))
 *         .keyPaddingMask("src_key_padding_mask", padding), Path.of("encoder.onnx"));
 * }</pre>
 *
 * <p>A mask is either INT32, Descent's boolean (non-zero: "may not attend"), which the model declares as an ONNX
 * {@code BOOL} input, or float in the model's dtype, added to the attention scores (declared in that dtype). Masks
 * are exported for a {@code MultiheadAttention} (self-attention), a {@code TransformerEncoderLayer}, a
 * {@code TransformerEncoder}, or a {@code Sequential} whose first layer is one of them (the masks go to that layer).
 * Their axes are symbolic as the input's are: {@code key_padding_mask} {@code (batch, sequence)} ({@code (sequence)}
 * unbatched), {@code attn_mask} {@code (sequence, sequence)} or {@code (batch_x_heads, sequence, sequence)}.
 */
public final class ExportInputs {
    /** The role of a mask, in the order the graph declares them after the input. */
    enum Role {
        ATTN_MASK("attn_mask"), KEY_PADDING_MASK("key_padding_mask");

        final String defaultName;

        Role(String defaultName) {
            this.defaultName = defaultName;
        }
    }

    /** A mask input: its graph name and its sample value. */
    record Mask(String name, Tensor sample) {
    }

    private final String inputName;
    private final Tensor input;
    private final Map<Role, Mask> masks = new LinkedHashMap<>();

    private ExportInputs(String inputName, Tensor input) {
        if (input == null) throw new IllegalArgumentException("Onnx.export: sampleInput must not be null");
        checkName(inputName, "the input");
        this.inputName = inputName;
        this.input = input;
    }

    /** The module's sample input, as the graph input {@code input}. */
    public static ExportInputs of(Tensor input) {
        return new ExportInputs(Exporter.INPUT, input);
    }

    /** The module's sample input, as the graph input {@code name}. */
    public static ExportInputs of(String name, Tensor input) {
        return new ExportInputs(name, input);
    }

    /** Adds the attention mask {@code (L, S)} or {@code (N·heads, L, S)} as the graph input {@code attn_mask}. */
    public ExportInputs attnMask(Tensor mask) {
        return attnMask(Role.ATTN_MASK.defaultName, mask);
    }

    /** Adds the attention mask {@code (L, S)} or {@code (N·heads, L, S)} as the graph input {@code name}. */
    public ExportInputs attnMask(String name, Tensor mask) {
        return add(Role.ATTN_MASK, name, mask);
    }

    /** Adds the key-padding mask {@code (N, S)} ({@code (S)} unbatched) as the graph input {@code key_padding_mask}. */
    public ExportInputs keyPaddingMask(Tensor mask) {
        return keyPaddingMask(Role.KEY_PADDING_MASK.defaultName, mask);
    }

    /** Adds the key-padding mask {@code (N, S)} ({@code (S)} unbatched) as the graph input {@code name}. */
    public ExportInputs keyPaddingMask(String name, Tensor mask) {
        return add(Role.KEY_PADDING_MASK, name, mask);
    }

    private ExportInputs add(Role role, String name, Tensor mask) {
        if (mask == null) throw new IllegalArgumentException("ExportInputs: " + role.defaultName + " must not be null");
        checkName(name, role.defaultName);
        if (masks.containsKey(role)) {
            throw new IllegalArgumentException("ExportInputs: " + role.defaultName + " is already given (as '"
                    + masks.get(role).name() + "')");
        }
        List<String> taken = new ArrayList<>(names());
        if (taken.contains(name)) {
            throw new IllegalArgumentException("ExportInputs: the name '" + name + "' of " + role.defaultName
                    + " is already an input's; graph inputs need distinct names, got " + taken);
        }
        masks.put(role, new Mask(name, mask));
        return this;
    }

    private static void checkName(String name, String what) {
        if (name == null || name.isEmpty() || name.length() > 4096) {
            throw new IllegalArgumentException("ExportInputs: the name of " + what + " must have 1 to 4096 characters, "
                    + "got " + (name == null ? "null" : name.length() + " characters"));
        }
        if (name.equals(Exporter.OUTPUT)) {
            throw new IllegalArgumentException("ExportInputs: '" + Exporter.OUTPUT + "' is the graph output's name; "
                    + "name " + what + " otherwise");
        }
    }

    /** The graph inputs' names, the input's first. */
    public List<String> names() {
        List<String> n = new ArrayList<>();
        n.add(inputName);
        masks.values().forEach(m -> n.add(m.name()));
        return n;
    }

    String inputName() {
        return inputName;
    }

    Tensor input() {
        return input;
    }

    Mask mask(Role role) {
        return masks.get(role);
    }

    boolean hasMasks() {
        return !masks.isEmpty();
    }
}
