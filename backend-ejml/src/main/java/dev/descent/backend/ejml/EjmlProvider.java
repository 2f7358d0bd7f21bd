package dev.descent.backend.ejml;

import dev.descent.core.spi.Availability;
import dev.descent.core.spi.Backend;
import dev.descent.core.spi.BackendProvider;

/** Registers {@link EjmlBackend} as {@code "ejml"}, priority 10: pure Java, available wherever Java runs. */
public final class EjmlProvider implements BackendProvider {
    @Override
    public String name() {
        return "ejml";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public Availability availability() {
        try {
            Class.forName("org.ejml.dense.row.CommonOps_DDRM", false, EjmlProvider.class.getClassLoader());
            return Availability.yes("pure Java (EJML " + org.ejml.EjmlVersion.VERSION + ")");
        } catch (Throwable t) {
            return Availability.failed(t);
        }
    }

    @Override
    public Backend create() {
        return new EjmlBackend();
    }
}
