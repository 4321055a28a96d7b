/**
 * The operator set: each operator's name, version, accepted inputs and attributes, and output
 * dtype and shape inference, as the operator families (org.mleruntime.operators.*) add them. It
 * defines what an operator means, never how it is computed, and names no family: they are found
 * with ServiceLoader. docs/OPERATORS.md describes every operator.
 */
package org.mleruntime.ops;
