/**
 * Nearest neighbours: PairwiseDistance, Neighbors (brute force or a KD/ball tree, with scikit-
 * learn's heap and tie order) and NeighborsAggregate. Each operator's schema, shape rule and CPU
 * kernel live here; the family class adds them to the operator set and the CPU backend. It may use
 * ops, ir, kernels and backend, never another family.
 */
package org.mleruntime.operators.neighbors;
