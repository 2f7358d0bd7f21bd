/**
 * Tensor input and output: the safetensors format ({@link dev.descent.core.io.Safetensors}) and a bounded JSON reader.
 */
package dev.descent.core.io;
