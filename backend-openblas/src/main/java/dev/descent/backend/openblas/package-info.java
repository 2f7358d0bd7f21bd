/**
 * The backend on a current OpenBLAS (0.3.31, through bytedeco's JavaCPP presets, natives from Maven):
 * {@link dev.descent.backend.openblas.OpenblasBackend}, registered by
 * {@link dev.descent.backend.openblas.OpenblasProvider} as {@code "openblas"}, the default when it loads.
 *
 * <p>Settings, each read once when the backend loads: {@code descent.threads} / {@code DESCENT_THREADS} (OpenBLAS's
 * thread count, default the available processors); {@code descent.openblas.coretype} ({@code auto}, {@code off} or
 * an OpenBLAS core name; {@code OPENBLAS_CORETYPE} in the environment wins); bytedeco's own
 * {@code org.bytedeco.openblas.load} chooses another OpenBLAS library.
 */
package dev.descent.backend.openblas;
