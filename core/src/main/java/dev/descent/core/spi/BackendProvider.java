package dev.descent.core.spi;

/**
 * The {@link java.util.ServiceLoader} entry of a backend (register the implementation in
 * {@code META-INF/services/dev.descent.core.spi.BackendProvider}). {@link dev.descent.core.Backends} asks each
 * provider for its availability and creates the backend lazily, only when it is selected.
 *
 * <pre>{@code
 * public final class MyProvider implements BackendProvider {
 *     public String name() { return "mine"; }
 *     public int priority() { return 10; }
 *     public Availability availability() { return Availability.yes(""); }
 *     public Backend create() { return new MyBackend(); }
 * }
 * }</pre>
 */
public interface BackendProvider {

    /** The backend's name, as used by {@code descent.backend} and {@code DESCENT_BACKEND}. */
    String name();

    /** Higher wins when no backend is named. EJML uses 10, jBLAS 20, OpenBLAS 30. */
    int priority();

    /**
     * Whether the backend can run here. Must never throw: a probe that fails (a native library that does not load,
     * a test call that gives a wrong result) is reported as unavailable with the reason.
     */
    Availability availability();

    /** Creates the backend; called only when {@link #availability()} says it is available. */
    Backend create();
}
