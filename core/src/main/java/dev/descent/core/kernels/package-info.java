/**
 * The reference implementation of the backend SPI on JVM arrays: {@link dev.descent.core.kernels.ArrayBackend}
 * (broadcasting, reductions, GEMM, movement, fused elementwise programs), which backends extend, and its storages;
 * the float32 loops and storage are generated at build time from the float64 templates.
 */
package dev.descent.core.kernels;
