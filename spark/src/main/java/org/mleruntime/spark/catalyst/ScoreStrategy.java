package org.mleruntime.spark.catalyst;

import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.SparkStrategy;
import scala.collection.immutable.Seq;

/** Plans a {@link ScoreNode} as a {@link ScoreExec}. */
public final class ScoreStrategy extends SparkStrategy {
    @Override
    public Seq<SparkPlan> apply(LogicalPlan plan) {
        if (plan instanceof ScoreNode node) {
            return ScalaSeqs.seq(new ScoreExec(planLater(node.child()), node.passThrough(), node.scores(), node.results()));
        }
        return ScalaSeqs.seq();
    }
}
