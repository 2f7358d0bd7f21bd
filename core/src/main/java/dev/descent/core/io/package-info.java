/**
 * Tensor input and output: the safetensors format ({@link dev.descent.core.io.Safetensors}), a bounded JSON reader,
 * and temporary files for atomic saves that get the permissions the umask gives ({@link dev.descent.core.io.TempFiles}).
 */
package dev.descent.core.io;
