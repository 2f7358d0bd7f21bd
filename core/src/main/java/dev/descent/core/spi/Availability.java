package dev.descent.core.spi;

/**
 * Whether a backend can run on this machine, and if not, why.
 *
 * @param available whether the backend's probe succeeded
 * @param reason    why it is unavailable (the loader's message), or a short note when available
 */
public record Availability(boolean available, String reason) {

    /** Available, with an optional note (for example which native library was loaded). */
    public static Availability yes(String note) {
        return new Availability(true, note == null ? "" : note);
    }

    /** Unavailable for the given reason. */
    public static Availability no(String reason) {
        return new Availability(false, reason == null || reason.isBlank() ? "unknown reason" : reason);
    }

    /** Unavailable because the probe threw {@code failure}: the reason names its class, message and cause chain. */
    public static Availability failed(Throwable failure) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (sb.length() > 0) sb.append("; caused by ");
            sb.append(t.getClass().getName());
            if (t.getMessage() != null) sb.append(": ").append(t.getMessage());
        }
        return no(sb.toString());
    }
}
