/**
 * Recurrent layers with PyTorch's arguments, defaults, parameter names, layouts and gate orders, so that PyTorch
 * weights load: {@link dev.descent.nn.recurrent.RNN} (tanh or ReLU), {@link dev.descent.nn.recurrent.LSTM} and
 * {@link dev.descent.nn.recurrent.GRU} over whole sequences (layers, directions, dropout between layers, initial and
 * final states, variable lengths), and the single steps {@link dev.descent.nn.recurrent.RNNCell},
 * {@link dev.descent.nn.recurrent.LSTMCell} and {@link dev.descent.nn.recurrent.GRUCell}.
 */
package dev.descent.nn.recurrent;
