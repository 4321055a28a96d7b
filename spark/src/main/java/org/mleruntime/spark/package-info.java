/**
 * Batch scoring on Apache Spark: {@link org.mleruntime.spark.MleTransformer}, a Spark ML transformer
 * over a model file, and {@link org.mleruntime.spark.MleFunctions}, which registers a model as a SQL
 * function. Both build on {@link org.mleruntime.spark.catalyst} (how a query scores in batches) and
 * {@link org.mleruntime.spark.scoring} (model files, leases, columns and batches); this package
 * holds the user-facing API only.
 */
package org.mleruntime.spark;
