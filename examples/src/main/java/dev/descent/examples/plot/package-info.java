/**
 * Charts for the demos, rendered headless to PNG.
 */
package dev.descent.examples.plot;
