/**
 * The native-BLAS backend: GEMM through jBLAS on the row-major arrays by the transpose identity, with a real availability probe.
 */
package dev.descent.backend.jblas;
