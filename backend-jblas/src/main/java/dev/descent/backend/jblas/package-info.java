/**
 * The native-BLAS backend: GEMM through jBLAS on the row-major arrays by the transpose identity, with a real
 * availability probe.
 *
 * <p>Loading ({@code JblasNatives}): jBLAS's Linux library links against {@code libgfortran.so.5}. A working system
 * copy is used; otherwise the copies in {@code org.bytedeco:openblas}'s {@code linux-x86_64} jar (a dependency) are
 * extracted once per version into {@code ~/.descent/natives/} (or under {@code DESCENT_HOME} /
 * {@code -Ddescent.home}), verified, and loaded first. jBLAS's own messages go to {@link System.Logger}
 * {@code dev.descent.backend.jblas} at DEBUG. When jBLAS cannot load, the provider is unavailable with a reason that
 * names the missing library and the fix.
 *
 * <p>System properties, read once when the backend first loads:
 * <table>
 *   <caption>jBLAS backend settings</caption>
 *   <tr><th>property</th><th>values</th><th>effect</th></tr>
 *   <tr><td>{@code descent.jblas.coretype}</td><td>{@code auto} (default), {@code off}, a core name</td>
 *       <td>{@code auto} sets {@code OPENBLAS_CORETYPE=Haswell} on a CPU with AVX2 and FMA, before jBLAS's OpenBLAS
 *       (2020, which does not know newer CPUs) loads</td></tr>
 *   <tr><td>{@code descent.jblas.malloc}</td><td>{@code on} (default), {@code off}</td>
 *       <td>glibc's {@code mallopt(M_MMAP_THRESHOLD)} and {@code mallopt(M_TRIM_THRESHOLD)} at 1 GiB, so jBLAS's
 *       per-call copy buffers are not returned to the system and faulted in again on every call</td></tr>
 *   <tr><td>{@code descent.jblas.fortran}</td><td>{@code auto} (default), {@code bundled}, {@code system}</td>
 *       <td>which {@code libgfortran.so.5} to load</td></tr>
 *   <tr><td>{@code descent.jblas.lock}</td><td>{@code on} (default), {@code off}</td>
 *       <td>the lock that serialises the native calls (jBLAS's OpenBLAS is not safe for concurrent callers);
 *       {@code off} is for measuring its cost only</td></tr>
 * </table>
 * A value the user set in the environment ({@code OPENBLAS_CORETYPE}, {@code MALLOC_MMAP_THRESHOLD_},
 * {@code MALLOC_TRIM_THRESHOLD_}, {@code GLIBC_TUNABLES}) always wins. Each decision is logged at DEBUG.
 */
package dev.descent.backend.jblas;
