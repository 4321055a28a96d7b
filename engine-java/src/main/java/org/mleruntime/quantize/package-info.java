/**
 * Quantization of a model's weights for export: float16, or int8 with one symmetric scale per output
 * channel stored beside the tensor. It rewrites the graph (QGemm for matrix weights in int8,
 * Dequantize for the rest), never touches a decision threshold in a way that could change a
 * decision, and measures what changed by running the original and the quantized model on
 * calibration rows. It sits above the executor and uses it; the format, the kernels and the
 * converters know nothing of it.
 */
package org.mleruntime.quantize;
