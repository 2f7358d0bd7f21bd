/**
 * The HTML report of the lecture's demos.
 */
package dev.descent.examples.report;
