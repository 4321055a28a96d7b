/**
 * Scoring table rows with a model file, independent of Spark's query engine: where an executor
 * finds the file ({@link org.mleruntime.spark.scoring.ModelSource}), the models open in a JVM and
 * leased by its tasks ({@link org.mleruntime.spark.scoring.SharedModels}), which columns a model
 * reads and what its methods return as columns ({@link org.mleruntime.spark.scoring.ColumnSignature}),
 * and the batches of rows written into the engine's input memory
 * ({@link org.mleruntime.spark.scoring.BatchScorer}). Uses the engine's public API and Spark's row
 * and type classes; knows nothing of plans or transformers.
 */
package org.mleruntime.spark.scoring;
