package org.mleruntime.operators.neighbors;

/**
 * scikit-learn's k-nearest bookkeeping, step for step, so that equal distances resolve as they do
 * there: a fixed-size max-heap per query ({@code sklearn.utils._heap.heap_push}, which keeps the
 * earlier of two equal values) and the final simultaneous sort of values and indices
 * ({@code sklearn.utils._sorting.simultaneous_sort}: introsort with median-of-three pivots and
 * two-way partitioning, insertion sort below 16 elements, heapsort past the depth limit).
 */
final class NeighborHeap {
    private NeighborHeap() {}

    /** Pushes (value, index) onto the max-heap {@code values/indices[offset .. offset + size)}; keeps the old root on a tie. */
    static void push(double[] values, int[] indices, int offset, int size, double value, int index) {
        if (value >= values[offset]) {
            return;
        }
        int current = 0;
        while (true) {
            int left = 2 * current + 1;
            int right = left + 1;
            int swap;
            if (left >= size) {
                break;
            } else if (right >= size) {
                if (values[offset + left] > value) {
                    swap = left;
                } else {
                    break;
                }
            } else if (values[offset + left] >= values[offset + right]) {
                if (value < values[offset + left]) {
                    swap = left;
                } else {
                    break;
                }
            } else if (value < values[offset + right]) {
                swap = right;
            } else {
                break;
            }
            values[offset + current] = values[offset + swap];
            indices[offset + current] = indices[offset + swap];
            current = swap;
        }
        values[offset + current] = value;
        indices[offset + current] = index;
    }

    /** Sorts {@code values[offset .. offset + n)} ascending, moving {@code indices} along. */
    static void sort(double[] values, int[] indices, int offset, int n) {
        if (n > 0) {
            introsort(values, indices, offset, n, 2 * (31 - Integer.numberOfLeadingZeros(n)));
        }
    }

    private static void introsort(double[] v, int[] ix, int offset, int n, int maxDepth) {
        while (n > 15) {
            if (maxDepth <= 0) {
                heapsort(v, ix, offset, n);
                return;
            }
            maxDepth--;
            double pivot = medianOfThree(v, ix, offset, n);
            int i = 1;
            int j = n - 2;
            while (true) {
                while (i <= j && v[offset + i] < pivot) {
                    i++;
                }
                while (i <= j && v[offset + j] > pivot) {
                    j--;
                }
                if (i >= j) {
                    break;
                }
                swap(v, ix, offset + i, offset + j);
                i++;
                j--;
            }
            swap(v, ix, offset + i, offset + n - 1);
            introsort(v, ix, offset, i, maxDepth);
            offset += i + 1;
            n -= i + 1;
        }
        for (int i = 1; i < n; i++) {
            double value = v[offset + i];
            int index = ix[offset + i];
            int j = i;
            while (j > 0 && v[offset + j - 1] > value) {
                v[offset + j] = v[offset + j - 1];
                ix[offset + j] = ix[offset + j - 1];
                j--;
            }
            v[offset + j] = value;
            ix[offset + j] = index;
        }
    }

    /** Moves the smallest of first, middle and last to the front, the median to the end, and returns it. */
    private static double medianOfThree(double[] v, int[] ix, int offset, int n) {
        int middle = offset + n / 2;
        int last = offset + n - 1;
        if (v[offset] > v[last]) {
            swap(v, ix, offset, last);
        }
        if (v[last] > v[middle]) {
            swap(v, ix, last, middle);
            if (v[offset] > v[last]) {
                swap(v, ix, offset, last);
            }
        }
        return v[last];
    }

    private static void heapsort(double[] v, int[] ix, int offset, int n) {
        for (int start = (n - 2) / 2; ; start--) {
            siftDown(v, ix, offset, start, n);
            if (start == 0) {
                break;
            }
        }
        for (int end = n - 1; end > 0; end--) {
            swap(v, ix, offset, offset + end);
            siftDown(v, ix, offset, 0, end);
        }
    }

    private static void siftDown(double[] v, int[] ix, int offset, int start, int end) {
        int root = start;
        while (true) {
            int child = root * 2 + 1;
            int max = root;
            if (child < end && v[offset + max] < v[offset + child]) {
                max = child;
            }
            if (child + 1 < end && v[offset + max] < v[offset + child + 1]) {
                max = child + 1;
            }
            if (max == root) {
                return;
            }
            swap(v, ix, offset + root, offset + max);
            root = max;
        }
    }

    private static void swap(double[] v, int[] ix, int i, int j) {
        double tv = v[i];
        v[i] = v[j];
        v[j] = tv;
        int ti = ix[i];
        ix[i] = ix[j];
        ix[j] = ti;
    }
}
