/**
 * The lecture's demo settings: its four initialisation settings and its optimiser forms with their constants.
 * The formulas themselves are options of the library's initialisers and optimisers; these only pick the values.
 */
package dev.descent.examples.presets;
