/**
 * The picocli commands of the descent command line.
 */
package dev.descent.examples.cli;
