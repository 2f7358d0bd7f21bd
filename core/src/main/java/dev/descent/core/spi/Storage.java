package dev.descent.core.spi;

import dev.descent.core.DType;

/**
 * A block of {@link #size()} elements of one {@link #dtype()}, in row-major order, owned by the {@link Backend} that
 * allocated it: JVM arrays, native or off-heap memory, whatever the backend chooses. Only that backend reads or
 * writes it; everyone else goes through the backend's kernels and its {@link Backend#read}/{@link Backend#write}.
 */
public interface Storage {
    /** The element type. */
    DType dtype();

    /** The number of elements. */
    int size();
}
