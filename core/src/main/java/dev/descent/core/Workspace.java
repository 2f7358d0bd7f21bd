package dev.descent.core;

import dev.descent.core.spi.Backend;
import dev.descent.core.spi.Storage;

import java.util.HashMap;
import java.util.Map;

/**
 * Scratch storage for the lowering of convolutions, one per thread, backend and dtype, reused across calls and
 * grown only when a call needs more: a convolution lowers its batch in chunks of at most {@link #BUDGET} elements
 * (or one image, when a single image needs more), never the whole batch at once.
 *
 * <p>NOTE: the budget is about a core's L2 cache (256 KiB of float32), not memory: each image's lowered columns are
 * read by its GEMM right after they are written, so a chunk that stays in cache is read back from it instead of
 * from memory (a chunk of many images would be evicted before its first image's GEMM runs).
 */
final class Workspace {
    /** Elements of lowered columns per chunk (256 KiB of float32, 512 KiB of float64). */
    static final int BUDGET = 1 << 16;

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
