/**
 * The descent command line: the lecture's demos with plots and an HTML report.
 */
package dev.descent.examples;
