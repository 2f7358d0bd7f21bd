/**
 * The shared array kernels every backend inherits: elementwise maps, broadcast binary rows, reductions, GEMM, movement; the float32 loops are generated from the float64 ones at build time.
 */
package dev.descent.core.kernels;
