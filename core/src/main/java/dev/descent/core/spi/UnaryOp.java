package dev.descent.core.spi;

/**
 * The elementwise unary kernels of the SPI. Some take scalar parameters {@code p} and {@code q}, as noted.
 * Each maps {@code x} to {@code out} element by element; {@code out} may be {@code x} itself.
 */
public enum UnaryOp {
    NEG, ABS,
    /** -1, 0 or +1; NaN stays NaN. */
    SIGN,
    EXP, LOG, LOG1P, SQRT, SQUARE, RECIPROCAL, SIN, COS, TANH,
    /** {@code 1 / (1 + exp(-x))}, evaluated without overflow for large {@code |x|}. */
    SIGMOID,
    /** {@code max(x, 0)}; NaN propagates. */
    RELU,
    /** The error function, accurate to a few ulps in float64. */
    ERF,
    /** {@code x > 0 ? x : p * x} (leaky ReLU with slope {@code p}). */
    LEAKY_RELU,
    /** {@code x > 0 ? x : p * (exp(x) - 1)} (ELU with alpha {@code p}). */
    ELU,
    /** {@code log(1 + exp(x))}, or {@code x} above 20 ({@code torch.nn.functional.softplus}'s threshold). */
    SOFTPLUS,
    /** {@code x ^ p}. */
    POW_SCALAR,
    /** {@code p * x + q} (affine map; covers adding and multiplying by scalars). */
    AFFINE,
    /** {@code min(max(x, p), q)}; NaN propagates. */
    CLAMP,
    /** {@code exp(x) - 1}, accurate near 0 ({@code torch.expm1}). */
    EXPM1
}
