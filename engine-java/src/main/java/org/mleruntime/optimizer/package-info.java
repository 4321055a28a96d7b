/**
 * Graph optimisation: passes that rewrite the IR without changing any output bit (constant
 * folding, identity elimination, operator fusion, dead-code elimination), and the two that let a
 * vectorizer's counts reach a linear model without a row of the vocabulary's width (a product
 * split over concatenated parts, a vectorizer fused with its product), whose sums follow the
 * terms' order, as scikit-learn's sparse products do, and so may differ from the dense product in
 * the last bits. It may evaluate constant nodes through a backend's kernels; it never plans memory,
 * schedules a run or reads the file.
 */
package org.mleruntime.optimizer;
