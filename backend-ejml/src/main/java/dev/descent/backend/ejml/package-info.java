/**
 * The pure-Java backend: GEMM on EJML's row-major matrices over the tensors' own arrays, multi-threaded for large products.
 */
package dev.descent.backend.ejml;
