package dev.descent.core;

import dev.descent.core.spi.Availability;
import dev.descent.core.spi.Backend;
import dev.descent.core.spi.BackendProvider;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Finds the backends on the class path ({@link ServiceLoader} over {@link BackendProvider}) and selects one, in
 * this order: an explicit name in code ({@link #get(String)}); the system property {@value #PROPERTY}; the
 * environment variable {@value #ENVIRONMENT}; otherwise the available provider with the highest priority
 * (OpenBLAS above jBLAS above EJML).
 *
 * <p>Discovery happens on first use, not in a static initialiser; each provider's availability is probed once and
 * its reason kept. Asking for an unavailable backend by name says why and lists what is available; no backend at
 * all says which artifact to add.
 *
 * <pre>{@code
 * Backend b = Backends.get();              // the default
 * Backend e = Backends.get("ejml");        // by name
 * System.out.println(Backends.describe()); // what was found and why this one
 * }</pre>
 */
public final class Backends {
    /** System property naming the backend to use. */
    public static final String PROPERTY = "descent.backend";
    /** Environment variable naming the backend to use. */
    public static final String ENVIRONMENT = "DESCENT_BACKEND";

    private static final System.Logger LOG = System.getLogger(Backends.class.getName());
    private static final Object LOCK = new Object();
    private static volatile Registry registry;

    private Backends() {
    }

    /** A provider found on the class path, with its probed availability. */
    public record Found(String name, int priority, Availability availability, String providerClass) {
    }

    /** Why the default backend is the one it is. */
    public record Selection(Found backend, String reason) {
    }

    private static final class Registry {
        final List<BackendProvider> providers;
        final List<Found> found;
        final Map<String, Backend> created = new LinkedHashMap<>();
        final List<String> loadErrors;

        Registry(List<BackendProvider> providers, List<String> loadErrors) {
            this.providers = providers;
            this.loadErrors = loadErrors;
            this.found = providers.stream().map(Backends::probe).toList();
        }
    }

    private static Registry registry() {
        Registry r = registry;
        if (r == null) {
            synchronized (LOCK) {
                r = registry;
                if (r == null) {
                    r = discover();
                    registry = r;
                }
            }
        }
        return r;
    }

    private static Registry discover() {
        List<BackendProvider> providers = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        var it = ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader()).iterator();
        while (true) {
            try {
                if (!it.hasNext()) break;
                providers.add(it.next());
            } catch (ServiceConfigurationError e) {
                errors.add(e.getMessage());
                LOG.log(System.Logger.Level.DEBUG, "A backend provider could not be loaded (Backends.describe() reports it): " + e.getMessage());
            }
        }
        providers.sort(Comparator.comparingInt(BackendProvider::priority).reversed()
                .thenComparing(BackendProvider::name));
        return new Registry(providers, errors);
    }

    private static Found probe(BackendProvider p) {
        Availability a;
        try {
            a = p.availability();
            if (a == null) a = Availability.no("the provider reported no availability");
        } catch (Throwable t) { // NOTE: providers must not throw; one that does is unavailable, not fatal.
            a = Availability.failed(t);
        }
        return new Found(p.name(), p.priority(), a, p.getClass().getName());
    }

    /** Every provider found, highest priority first, with its availability. */
    public static List<Found> found() {
        return registry().found;
    }

    /** The default backend, selected as the class description says; the same instance on every call. */
    public static Backend get() {
        Selection s = select(found(), System.getProperty(PROPERTY), System.getenv(ENVIRONMENT));
        return instance(s.backend().name());
    }

    /** The backend called {@code name} (case-insensitive). */
    public static Backend get(String name) {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("Backends.get: name must not be blank");
        Found f = byName(found(), name, "requested in code");
        return instance(f.name());
    }

    private static Backend instance(String name) {
        Registry r = registry();
        synchronized (r.created) {
            Backend b = r.created.get(name);
            if (b == null) {
                BackendProvider p = r.providers.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
                b = p.create();
                r.created.put(name, b);
            }
            return b;
        }
    }

    /**
     * The selection rule, as a function of the providers found and the two settings: a named backend (property
     * first, then environment) must exist and be available; otherwise the first available provider in priority
     * order.
     */
    public static Selection select(List<Found> found, String property, String environment) {
        if (found.isEmpty()) throw noBackend();
        if (property != null && !property.isBlank()) {
            Found f = byName(found, property.trim(), "system property " + PROPERTY + "=" + property);
            return new Selection(f, "system property " + PROPERTY + "=" + property);
        }
        if (environment != null && !environment.isBlank()) {
            Found f = byName(found, environment.trim(), "environment variable " + ENVIRONMENT + "=" + environment);
            return new Selection(f, "environment variable " + ENVIRONMENT + "=" + environment);
        }
        return found.stream()
                .filter(f -> f.availability().available())
                .max(Comparator.comparingInt(Found::priority))
                .map(f -> new Selection(f, "highest priority available backend"))
                .orElseThrow(() -> new IllegalStateException("No Descent backend is available on this machine: "
                        + list(found) + "."));
    }

    private static Found byName(List<Found> found, String name, String source) {
        if (found.isEmpty()) throw noBackend();
        Found f = found.stream().filter(x -> x.name().equalsIgnoreCase(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Backend '" + name + "' (" + source
                        + ") is not on the class path; found: " + list(found) + "."));
        if (!f.availability().available()) {
            throw new IllegalStateException("Backend '" + f.name() + "' (" + source + ") is unavailable: "
                    + f.availability().reason() + ". Available: " + available(found) + ".");
        }
        return f;
    }

    private static IllegalStateException noBackend() {
        return new IllegalStateException("No Descent backend on the class path: add the dependency "
                + "dev.descent:descent-backend-ejml (pure Java), dev.descent:descent-backend-openblas (native BLAS) or "
                + "dev.descent:descent-backend-jblas (native BLAS).");
    }

    private static String list(List<Found> found) {
        return found.stream().map(f -> f.name() + " (" + (f.availability().available() ? "available"
                : "unavailable: " + f.availability().reason()) + ")").collect(Collectors.joining(", "));
    }

    private static String available(List<Found> found) {
        String s = found.stream().filter(f -> f.availability().available()).map(Found::name)
                .collect(Collectors.joining(", "));
        return s.isEmpty() ? "none" : s;
    }

    /** The report {@code descent info} prints: each backend found, its availability or reason, and the selection. */
    public static String describe() {
        return describe(found(), registry().loadErrors, System.getProperty(PROPERTY), System.getenv(ENVIRONMENT));
    }

    static String describe(List<Found> found, List<String> loadErrors, String property, String environment) {
        StringBuilder sb = new StringBuilder("Descent backends (" + found.size() + " found):\n");
        for (Found f : found) {
            Availability a = f.availability();
            sb.append(String.format("  %-8s priority %3d  %-11s %s%n", f.name(), f.priority(),
                    a.available() ? "available" : "UNAVAILABLE", a.reason()));
        }
        for (String e : loadErrors) sb.append("  (a provider failed to load: ").append(e).append(")\n");
        try {
            Selection s = select(found, property, environment);
            sb.append("Selected: ").append(s.backend().name()).append(" (").append(s.reason()).append(')');
        } catch (RuntimeException e) {
            sb.append("Selected: none. ").append(e.getMessage());
        }
        return sb.toString();
    }
}
