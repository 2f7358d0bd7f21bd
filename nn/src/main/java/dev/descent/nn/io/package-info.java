/** Model weight files: module state dicts as safetensors, in Descent's or PyTorch's layout ({@link dev.descent.nn.io.ModuleIO}). */
package dev.descent.nn.io;
