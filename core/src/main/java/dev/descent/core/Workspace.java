package dev.descent.core;

import dev.descent.core.spi.Backend;
import dev.descent.core.spi.Storage;

import java.util.HashMap;
import java.util.Map;

/**
 * Scratch storage for the lowering of convolutions, one per thread, backend and dtype, reused across calls and
 * grown only when a call needs more: a convolution lowers its batch in chunks of at most {@link #BUDGET} elements
 * (or one image, when a single image needs more), never the whole batch at once.
 */
final class Workspace {
    /** Elements of lowered columns per chunk (4 MiB of float32, 8 MiB of float64). */
    static final int BUDGET = 1 << 20;

    private static final ThreadLocal<Map<Backend, Storage[]>> SCRATCH = ThreadLocal.withInitial(HashMap::new);

    private Workspace() {
    }

    /** How many images of {@code perImage} lowered elements fit in one chunk: between 1 and {@code images}. */
    static int imagesPerChunk(long perImage, int images) {
        return (int) Math.max(1, Math.min(images, BUDGET / Math.max(1, perImage)));
    }

    /**
     * A storage of this thread with at least {@code size} elements of {@code dtype} on {@code backend}; its
     * contents are whatever the last user left (kernels that use it overwrite what they read).
     */
    static Storage scratch(Backend backend, DType dtype, int size) {
        Storage[] byType = SCRATCH.get().computeIfAbsent(backend, b -> new Storage[DType.values().length]);
        Storage s = byType[dtype.ordinal()];
        if (s == null || s.size() < size) {
            s = backend.allocate(dtype, size);
            byType[dtype.ordinal()] = s;
        }
        return s;
    }
}
