package dev.descent.core;

import dev.descent.core.spi.Backend;
import dev.descent.core.spi.Storage;

import java.util.HashMap;
import java.util.Map;

/**
 * Scratch storage for the lowering of convolutions, one per thread, backend and dtype, reused across calls and
 * grown only when a call needs more: a convolution lowers its batch in chunks of at most {@link #BUDGET} elements
 * (or one image, when a single image needs more), never the whole batch at once. Being reused, it allocates nothing
 * once a thread has run its largest convolution, inside a {@link BufferPool} scope or not.
 *
 * <p>NOTE: the budget (2 MiB of float32) trades the cache for the GEMM: each chunk is one GEMM per group whose
 * columns are all the chunk's window positions, so more images per chunk make fewer, larger products (the backends'
 * GEMMs copy or pack their operands per call, and a product of 64 x 196 x 288, one image of the CNN's second
 * convolution, is too small to run at the library's speed), while the lowered chunk still fits in a core's L2 and
 * L3 share.
 */
final class Workspace {
    /** Elements of lowered columns per chunk (2 MiB of float32, 4 MiB of float64). */
    static final int BUDGET = 1 << 19;

    private static final ThreadLocal<Map<Backend, Storage[]>> SCRATCH = ThreadLocal.withInitial(HashMap::new);

    private Workspace() {
    }

    /**
     * How many images of {@code perImage} lowered elements one chunk holds: the largest divisor of {@code images}
     * whose chunk fits in the budget (at least 1), so that every chunk has the same number of images.
     */
    static int imagesPerChunk(long perImage, int images) {
        int most = (int) Math.max(1, Math.min(images, BUDGET / Math.max(1, perImage)));
        for (int count = most; count > 1; count--) {
            if (images % count == 0) return count;
        }
        return 1;
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
