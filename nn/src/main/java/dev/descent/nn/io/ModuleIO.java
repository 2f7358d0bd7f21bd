package dev.descent.nn.io;

import dev.descent.core.DType;
import dev.descent.core.Tensor;
import dev.descent.core.io.Safetensors;
import dev.descent.core.io.SafetensorsFormatException;
import dev.descent.core.spi.Backend;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Model weight files: a module's state dict as a safetensors file, in Descent's layout or in PyTorch's, and back.
 * {@code Module.save}, {@code load}, {@code saveForPyTorch} and {@code loadFromPyTorch} delegate here; this class
 * takes and returns state dicts (dotted names to tensors), so {@code nn.io} depends on core only and
 * {@code Module} on it, with no import circle.
 *
 * <pre>{@code
 * ModuleIO.save(Path.of("model.safetensors"), model.stateDict());
 * model.loadStateDict(ModuleIO.load(Path.of("model.safetensors"), backend));
 * ModuleIO.saveForPyTorch(Path.of("for-torch.safetensors"), model.stateDictForPyTorch());
 * }</pre>
 *
 * <p>Writing is atomic (a crash leaves the previous file intact). Reading treats the file as untrusted and is
 * all-or-nothing: a bad file is a {@link SafetensorsFormatException} naming the file and the problem, raised before
 * any tensor is returned, so a module loaded from it is never changed.
 */
public final class ModuleIO {
    /** The metadata key that records a file's layout: {@value #DESCENT} or {@value #PYTORCH}. */
    public static final String FORMAT = "format";
    /** Descent's layout ({@code Linear} weights {@code (in, out)}). */
    public static final String DESCENT = "descent";
    /** PyTorch's layout ({@code Linear} weights {@code (out, in)}), as {@code safetensors.torch.save_file} writes. */
    public static final String PYTORCH = "pt";

    private ModuleIO() {
    }

    /** Writes {@code stateDict} (Descent's layout) to {@code file}, atomically, tagged {@code format=descent}. */
    public static void save(Path file, Map<String, Tensor> stateDict) throws IOException {
        Safetensors.write(file, stateDict, Map.of(FORMAT, DESCENT));
    }

    /**
     * Writes a state dict already in PyTorch's layout to {@code file}, atomically, tagged {@code format=pt}, so
     * that {@code torch.nn.Module.load_state_dict(safetensors.torch.load_file(file))} accepts it. Integer tensors
     * (Descent's {@code INT32}, such as BatchNorm's {@code num_batches_tracked}) are stored as {@code I64}, the
     * dtype PyTorch gives them.
     */
    public static void saveForPyTorch(Path file, Map<String, Tensor> pyTorchStateDict) throws IOException {
        Set<String> integers = new HashSet<>();
        pyTorchStateDict.forEach((name, t) -> {
            if (t.dtype() == DType.INT32) integers.add(name);
        });
        Safetensors.write(file, pyTorchStateDict, Map.of(FORMAT, PYTORCH), integers);
    }

    /** The state dict in {@code file} (in file order), on {@code backend}; whichever layout it was written in. */
    public static Map<String, Tensor> load(Path file, Backend backend) throws IOException {
        return Safetensors.read(file, backend).tensors();
    }
}
