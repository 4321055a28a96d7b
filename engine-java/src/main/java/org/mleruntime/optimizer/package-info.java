/**
 * Graph optimisation: passes that rewrite the IR without changing any output bit (constant
 * folding, identity elimination, operator fusion, dead-code elimination). It may evaluate constant
 * nodes through a backend's kernels; it never plans memory, schedules a run or reads the file.
 */
package org.mleruntime.optimizer;
