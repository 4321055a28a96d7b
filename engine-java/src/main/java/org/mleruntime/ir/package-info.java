/**
 * The engine's intermediate representation: element types, shapes with a symbolic batch
 * dimension, typed attributes, nodes, graphs, tensors and model metadata. It owns the in-memory
 * model and its structural validation; it knows nothing of the file layout, of kernels or of
 * execution, and every other layer speaks to the others through these types.
 */
package org.mleruntime.ir;
