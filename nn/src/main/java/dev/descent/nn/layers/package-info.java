/**
 * Layers: Linear (x·W + b with W stored (in, out)), Dropout, Flatten, Identity, Sequential; attention
 * (MultiheadAttention, TransformerEncoderLayer, TransformerEncoder) and positional encodings (PositionalEncoding,
 * LearnedPositionalEmbedding).
 */
package dev.descent.nn.layers;
