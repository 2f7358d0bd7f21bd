/**
 * The backend service-provider interface, which depends only on {@link dev.descent.core.Shape}, {@link dev.descent.core.DType} and its own types: {@link dev.descent.core.spi.Backend} (a narrow set of primitive kernels on backend-owned {@link dev.descent.core.spi.Storage}), the optional {@link dev.descent.core.spi.FusedElementwise} capability, and {@link dev.descent.core.spi.BackendProvider} (the ServiceLoader entry with an availability probe).
 */
package dev.descent.core.spi;
