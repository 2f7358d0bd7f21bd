/**
 * Weight initialisers with torch.nn.init's semantics and the lecture's four demo presets.
 */
package dev.descent.nn.init;
