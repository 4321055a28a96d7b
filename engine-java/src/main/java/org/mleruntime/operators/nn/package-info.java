/**
 * Neural-network layers, with ONNX's operator names and semantics so that an ONNX graph imports
 * node for node: Conv (1 to 3 spatial axes, groups, strides, dilations, pads) as im2col and float32
 * matrix products, max and average pooling, batch and layer normalisation. Each operator's schema,
 * shape rule and CPU kernel live here; the family class adds them to the operator set and the CPU
 * backend. It may use ops, ir, kernels and backend, never another family.
 */
package org.mleruntime.operators.nn;
