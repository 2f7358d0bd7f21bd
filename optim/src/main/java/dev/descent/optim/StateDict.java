package dev.descent.optim;

import dev.descent.core.Tensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An optimiser's state: its per-parameter tensors (moments, accumulators, step counts) in a fixed order, and its
 * hyper-parameters and layout as strings, shaped for the safetensors format so that it round-trips through
 * {@code Safetensors.write(path, dict.tensors(), dict.metadata())} and back.
 *
 * <p>Tensor names are {@code state.<i>.<buffer>} with {@code i} the parameter's position in the optimiser and
 * {@code buffer} PyTorch's name for it ({@code exp_avg}, {@code exp_avg_sq}, {@code momentum_buffer}, ...;
 * {@code step} is a float64 scalar). Metadata holds {@code optimizer}, {@code groups}, for each group
 * {@code group.<g>.params} (the parameter positions) and {@code group.<g>.<hyper-parameter>}, and
 * {@code skipped_steps}.
 *
 * <pre>{@code
 * StateDict saved = adam.stateDict();
 * Safetensors.write(path, saved.tensors(), saved.metadata());
 * var c = Safetensors.read(path, backend);
 * adam.loadStateDict(new StateDict(c.tensors(), c.metadata()));
 * }</pre>
 */
public record StateDict(Map<String, Tensor> tensors, Map<String, String> metadata) {
    public StateDict {
        if (tensors == null || metadata == null) {
            throw new IllegalArgumentException("StateDict: tensors and metadata must not be null");
        }
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }
}
