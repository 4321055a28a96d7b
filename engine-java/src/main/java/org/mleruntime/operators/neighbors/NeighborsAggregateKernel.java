package org.mleruntime.operators.neighbors;

import static org.mleruntime.ir.Tensor.F64;
import static org.mleruntime.ir.Tensor.I64;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.mleruntime.InvalidInputException;
import org.mleruntime.InvalidModelException;
import org.mleruntime.ir.Node;
import org.mleruntime.ir.Tensor;
import org.mleruntime.kernels.Kernel;

/**
 * {@code NeighborsAggregate}: what scikit-learn's neighbour classifiers and regressors make of the
 * neighbours found. Weights are 1 ({@code uniform}) or 1/distance ({@code distance}), where a row
 * with a neighbour at distance 0 weighs those neighbours 1 and the others 0 (scikit-learn's
 * {@code _get_weights}). {@code vote} adds each neighbour's weight to its class, in neighbour
 * order; {@code mean} divides the weighted sum of the neighbours' targets by the sum of weights
 * (uniform: by their count), which is NaN for a row without neighbours. Index −1 marks no neighbour.
 */
final class NeighborsAggregateKernel implements Kernel {
    private final String name;
    private final boolean vote;
    private final boolean byDistance;
    private final boolean requireNeighbours;
    private final int classes;
    private final long[] labels;
    private final MemorySegment targets;
    private final long trainingRows;
    private final int width;

    NeighborsAggregateKernel(Node node, List<Tensor> constants) {
        this.name = node.name();
        this.vote = node.stringAttr("mode", "").equals("vote");
        this.byDistance = node.stringAttr("weights", "uniform").equals("distance");
        this.requireNeighbours = node.intAttr("require_neighbours", 0) != 0;
        Tensor t = constants.get(2);
        this.trainingRows = t.shape().dim(0);
        if (vote) {
            this.classes = Math.toIntExact(node.intAttr("n_classes", 0));
            this.labels = new long[Math.toIntExact(trainingRows)];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = t.getLong(i);
                if (labels[i] < 0 || labels[i] >= classes) {
                    throw new InvalidModelException("node '" + name + "' (NeighborsAggregate): training row " + i + " has class " + labels[i]
                            + ", outside the " + classes + " classes");
                }
            }
            this.targets = null;
            this.width = classes;
        } else {
            this.classes = 0;
            this.labels = null;
            this.targets = t.data();
            this.width = t.shape().rank() == 1 ? 1 : Math.toIntExact(t.shape().dim(1));
        }
    }

    @Override
    public void compute(Tensor[] inputs, Tensor[] outputs) {
        MemorySegment distances = inputs[0].data();
        MemorySegment indices = inputs[1].data();
        MemorySegment y = outputs[0].data();
        long n = inputs[0].shape().dim(0);
        int k = Math.toIntExact(inputs[0].shape().dim(1));
        double[] weights = new double[k];
        int[] neighbours = new int[k];
        double[] acc = new double[width];
        for (long r = 0; r < n; r++) {
            int count = neighbours(indices, distances, r, k, neighbours, weights);
            if (count == 0 && requireNeighbours) {
                throw new InvalidInputException("node '" + name + "': row " + r + " has no neighbours within the radius, and the model "
                        + "has no outlier label to give it");
            }
            java.util.Arrays.fill(acc, 0);
            double weightSum = 0;
            for (int i = 0; i < count; i++) {
                int j = neighbours[i];
                if (vote) {
                    acc[(int) labels[j]] += weights[i];
                } else {
                    for (int t = 0; t < width; t++) {
                        double target = targets.getAtIndex(F64, (long) j * width + t);
                        acc[t] += byDistance ? target * weights[i] : target;
                    }
                    weightSum += weights[i];
                }
            }
            for (int t = 0; t < width; t++) {
                y.setAtIndex(F64, r * width + t, vote ? acc[t] : acc[t] / (byDistance ? weightSum : count));
            }
        }
    }

    /** The row's neighbours (up to the first −1) into {@code neighbours} and their weights; returns their count. */
    private int neighbours(MemorySegment indices, MemorySegment distances, long r, int k, int[] neighbours, double[] weights) {
        int count = 0;
        boolean atZero = false;
        for (int i = 0; i < k; i++) {
            long j = indices.getAtIndex(I64, r * k + i);
            if (j < 0) {
                break;
            }
            if (j >= trainingRows) {
                throw new InvalidInputException("node '" + name + "': neighbour index " + j + " of row " + r + " is outside the "
                        + trainingRows + " training rows");
            }
            double d = distances.getAtIndex(F64, r * k + i);
            neighbours[count] = (int) j;
            weights[count++] = byDistance ? 1.0 / d : 1.0;
            atZero |= d == 0;
        }
        if (byDistance && atZero) {
            for (int i = 0; i < count; i++) {
                weights[i] = distances.getAtIndex(F64, r * k + i) == 0 ? 1.0 : 0.0;
            }
        }
        return count;
    }
}
