/**
 * The JVM side of the benchmarks: MLE Runtime's Java API ({@code org.mleruntime.MleModel}) against
 * ONNX Runtime's Java API and JPMML-Evaluator, each called as its own users call it, on the same
 * model files and the same rows. {@link org.mleruntime.bench.ModelBench} measures warm load time,
 * one-row latency and batch throughput; {@link org.mleruntime.bench.FreshLoad} is the whole life of
 * a fresh process that loads a model and scores one row. Both write plain tab-separated lines that
 * bench/run.py reads. This package only calls public APIs; it must never reach into the engine.
 */
package org.mleruntime.bench;
