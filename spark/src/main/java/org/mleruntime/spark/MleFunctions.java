package org.mleruntime.spark;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.classic.ExpressionUtils;
import org.apache.spark.sql.execution.SparkStrategy;
import org.mleruntime.spark.catalyst.ExtractScores;
import org.mleruntime.spark.catalyst.MleScore;
import org.mleruntime.spark.catalyst.ScoreStrategy;
import org.mleruntime.spark.scoring.ColumnSignature;
import org.mleruntime.spark.scoring.ModelSource;
import org.mleruntime.spark.scoring.SharedModels;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;

/**
 * A model as a SQL function: after {@code MleFunctions.register(spark, "churn", "/models/churn.mle")},
 * {@code SELECT churn(f1, …, f30) FROM t} scores in batches (the function's calls are gathered into
 * a plan node of their own, as Spark does with Python UDFs). The function takes the model's feature
 * columns in order, or one array or vector column for a model of one feature matrix, and returns
 * what the method returns: a value, an array, or a struct of several outputs.
 */
public final class MleFunctions {
    /** Rows per engine call unless a caller says otherwise. */
    public static final int DEFAULT_BATCH_SIZE = 4096;

    private MleFunctions() {
    }

    /** Registers the model's default method (predict where it has one) as the function {@code name}. */
    public static void register(SparkSession spark, String name, String modelPath) {
        register(spark, name, ModelSource.of(modelPath), null, DEFAULT_BATCH_SIZE);
    }

    public static void register(SparkSession spark, String name, String modelPath, String method) {
        register(spark, name, ModelSource.of(modelPath), method, DEFAULT_BATCH_SIZE);
    }

    /** Registers {@code method} of the model at {@code source} (keys included) as the function {@code name}. */
    public static void register(SparkSession spark, String name, ModelSource source, String method, int batchSize) {
        ColumnSignature signature = signature(source);
        signature.checkBatchSize(batchSize);
        String resolved = signature.resolveMethod(method);
        classic(spark).sessionState().functionRegistry().createOrReplaceTempFunction(name, new AbstractFunction1<Seq<Expression>, Expression>() {
            @Override
            public Expression apply(Seq<Expression> arguments) {
                return new MleScore(arguments, source, resolved, name, signature, batchSize);
            }
        }, "scala_udf");
    }

    /** The column of {@code method}'s results over {@code columns}, batched as the SQL function is. */
    static Column score(SparkSession spark, ModelSource source, ColumnSignature signature, String method, List<Column> columns, int batchSize) {
        classic(spark);
        signature.checkBatchSize(batchSize);
        List<Expression> arguments = columns.stream().map(ExpressionUtils::expression).toList();
        Seq<Expression> seq = CollectionConverters.asScala(arguments).toSeq();
        return ExpressionUtils.column(new MleScore(seq, source, method, "mle_score", signature, batchSize));
    }

    /** The model's columns and methods, read from the file on the driver. */
    static ColumnSignature signature(ModelSource source) {
        try (SharedModels.Lease lease = SharedModels.acquire(source)) {
            return lease.model().signature();
        }
    }

    /** The session's query engine, with the rule and strategy that batch scoring added once. */
    private static org.apache.spark.sql.classic.SparkSession classic(SparkSession spark) {
        if (!(spark instanceof org.apache.spark.sql.classic.SparkSession session)) {
            throw new UnsupportedOperationException("scoring on the executors' JVMs needs a classic Spark session, not "
                    + spark.getClass().getName() + " (Spark Connect clients use the Python package's engine=\"python\")");
        }
        synchronized (session.experimental()) {
            List<Rule<LogicalPlan>> rules = CollectionConverters.asJava(session.experimental().extraOptimizations());
            if (rules.stream().noneMatch(r -> r instanceof ExtractScores)) {
                List<Rule<LogicalPlan>> added = new java.util.ArrayList<>(rules);
                added.add(new ExtractScores());
                session.experimental().extraOptimizations_$eq(CollectionConverters.asScala(added).toSeq());
                List<SparkStrategy> strategies = new java.util.ArrayList<>(CollectionConverters.asJava(session.experimental().extraStrategies()));
                strategies.add(new ScoreStrategy());
                session.experimental().extraStrategies_$eq(CollectionConverters.asScala(strategies).toSeq());
            }
        }
        return session;
    }
}
