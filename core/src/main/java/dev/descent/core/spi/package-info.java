/**
 * The backend service-provider interface: {@link dev.descent.core.spi.Backend} (a narrow set of primitive kernels with shared defaults) and {@link dev.descent.core.spi.BackendProvider} (the ServiceLoader entry with an availability probe).
 */
package dev.descent.core.spi;
