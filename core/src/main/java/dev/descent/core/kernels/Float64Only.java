package dev.descent.core.kernels;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * In a float64 template (a file with the line {@code // float32 twin: Name}, see build-tools'
 * {@code Float32Generator}), the {@code double} right after this annotation stays {@code double} in the generated
 * float32 twin: an accumulator that keeps 64 bits, or a scalar that arrives through the SPI as a double.
 */
@Retention(RetentionPolicy.SOURCE)
@Target({ElementType.LOCAL_VARIABLE, ElementType.PARAMETER, ElementType.METHOD, ElementType.FIELD})
public @interface Float64Only {
}
