package dev.descent.nn.recurrent;

import dev.descent.autodiff.Variable;

/**
 * What a recurrent layer returns, as PyTorch's {@code output, h_n} (and {@code c_n} for the LSTM):
 * {@code output} {@code (T, B, D H)} ({@code (B, T, D H)} with {@code batch_first}, {@code (T, D H)} unbatched), the
 * last layer's outputs with both directions side by side; {@code h} and {@code c} {@code (num_layers D, B, H)}
 * ({@code (num_layers D, H)} unbatched), the final states of every layer and direction, layer-major (index
 * {@code layer * D + direction}). {@code c} is null except for the LSTM.
 */
public record RecurrentOutput(Variable output, Variable h, Variable c) {
}
