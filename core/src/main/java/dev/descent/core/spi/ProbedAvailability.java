package dev.descent.core.spi;

import java.util.concurrent.Callable;

/**
 * A provider's {@link BackendProvider#availability()}, probed once on first use: the probe returns a note when the
 * backend works; a {@link BackendUnavailableException} gives the reason word for word, and anything else it throws
 * (an {@code UnsatisfiedLinkError}, say) is reported with its class and causes ({@link Availability#failed}).
 *
 * <pre>{@code
 * private final ProbedAvailability availability = new ProbedAvailability(MyNatives::load);
 * public Availability availability() { return availability.get(); }
 * }</pre>
 */
public final class ProbedAvailability {
    private final Callable<String> probe;
    private volatile Availability result;

    public ProbedAvailability(Callable<String> probe) {
        this.probe = probe;
    }

    /** The probe's outcome; the probe runs on the first call only. Never throws. */
    public Availability get() {
        Availability a = result;
        if (a == null) {
            synchronized (this) {
                a = result;
                if (a == null) {
                    try {
                        a = Availability.yes(probe.call());
                    } catch (BackendUnavailableException e) {
                        a = Availability.no(e.getMessage());
                    } catch (Throwable t) {
                        a = Availability.failed(t);
                    }
                    result = a;
                }
            }
        }
        return a;
    }
}
