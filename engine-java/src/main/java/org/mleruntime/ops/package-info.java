/**
 * The operator set: each operator's name, version, accepted inputs and attributes, and output
 * dtype and shape inference. It defines what an operator means, never how it is computed; kernels
 * and backends implement these contracts and docs/OPERATORS.md describes them.
 */
package org.mleruntime.ops;
