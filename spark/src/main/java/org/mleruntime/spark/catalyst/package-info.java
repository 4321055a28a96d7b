/**
 * How Spark's query engine runs a model: the {@link org.mleruntime.spark.catalyst.MleScore}
 * expression a query or transformer uses, the optimizer rule that moves it into a node of its own,
 * and that node's logical and physical forms, which score rows in batches. Owns Spark's Catalyst
 * API and nothing else; model files, leases and the engine's inputs are
 * {@link org.mleruntime.spark.scoring}'s.
 */
package org.mleruntime.spark.catalyst;
