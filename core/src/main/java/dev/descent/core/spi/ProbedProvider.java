package dev.descent.core.spi;

import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * A {@link BackendProvider} whose availability is one real probe of its native library, run once
 * ({@link ProbedAvailability}), and whose factory refuses to create the backend when the probe failed, naming why.
 *
 * <pre>{@code
 * public final class MyProvider extends ProbedProvider {
 *     public MyProvider() { super("mine", 25, MyNatives::load, MyBackend::new); }
 * }
 * }</pre>
 */
public abstract class ProbedProvider implements BackendProvider {
    private final String name;
    private final int priority;
    private final ProbedAvailability availability;
    private final Supplier<? extends Backend> factory;

    /**
     * @param probe returns a note when the backend works and throws when it does not
     * @param factory creates the backend once the probe succeeded
     */
    protected ProbedProvider(String name, int priority, Callable<String> probe, Supplier<? extends Backend> factory) {
        this.name = name;
        this.priority = priority;
        this.availability = new ProbedAvailability(probe);
        this.factory = factory;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final int priority() {
        return priority;
    }

    @Override
    public final Availability availability() {
        return availability.get();
    }

    @Override
    public final Backend create() {
        Availability a = availability();
        if (!a.available()) throw new IllegalStateException(name + " backend is unavailable: " + a.reason());
        return factory.get();
    }
}
