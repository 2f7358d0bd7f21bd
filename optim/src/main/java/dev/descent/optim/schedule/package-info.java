/**
 * Learning-rate schedules as pure functions of the step or epoch, and reduce-on-plateau.
 */
package dev.descent.optim.schedule;
