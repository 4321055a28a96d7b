package org.mleruntime.spark.catalyst;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.types.DataType;
import org.mleruntime.spark.scoring.BatchScorer;
import org.mleruntime.spark.scoring.SharedModels;
import scala.collection.AbstractIterator;
import scala.collection.Iterator;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * The physical form of {@link ScoreNode}: each partition leases the models it scores with from
 * {@link SharedModels} (mapped once per executor), reads its rows in batches into the engine's
 * input memory, runs each batch as one call, and passes every row on with its results appended.
 */
public final class ScoreExec extends SparkPlan {
    private final SparkPlan child;
    private final Seq<Expression> scores;
    private final Seq<Attribute> results;

    public ScoreExec(SparkPlan child, Seq<Expression> scores, Seq<Attribute> results) {
        this.child = child;
        this.scores = scores;
        this.results = results;
    }

    @Override
    public RDD<InternalRow> doExecute() {
        List<Expression> all = ScalaSeqs.list(scores);
        Seq<Attribute> input = child.output();
        List<ScoreSpec> specs = new ArrayList<>();
        for (Expression e : all) {
            MleScore s = (MleScore) e;
            List<Expression> args = ScalaSeqs.list(s.children());
            specs.add(new ScoreSpec(s, args.stream().map(Expression::sql).toList(), args.stream().map(Expression::dataType).toArray(DataType[]::new)));
        }
        return child.execute().mapPartitionsInternal(new Scoring(specs, input, output()), false, ClassTag$.MODULE$.apply(InternalRow.class));
    }

    /** One score of a partition's: the expression with its argument names and types, resolved here on the driver. */
    private record ScoreSpec(MleScore score, List<String> argumentNames, DataType[] argumentTypes) implements java.io.Serializable {
    }

    private static final class Scoring extends AbstractFunction1<Iterator<InternalRow>, Iterator<InternalRow>> implements java.io.Serializable {
        private final List<ScoreSpec> specs;
        private final Seq<Attribute> input;
        private final Seq<Attribute> output;

        Scoring(List<ScoreSpec> specs, Seq<Attribute> input, Seq<Attribute> output) {
            this.specs = specs;
            this.input = input;
            this.output = output;
        }

        @Override
        public Iterator<InternalRow> apply(Iterator<InternalRow> rows) {
            return new Batches(rows, specs, input, output);
        }
    }

    /** A partition's rows with their results, scored a batch ahead of what the consumer has read. */
    private static final class Batches extends AbstractIterator<InternalRow> {
        private final Iterator<InternalRow> rows;
        private final List<SharedModels.Lease> leases = new ArrayList<>();
        private final List<BatchScorer> scorers = new ArrayList<>();
        private final List<UnsafeProjection> arguments = new ArrayList<>();
        private final InternalRow[] batch;
        private final Object[][] results;
        private final JoinedRow joined = new JoinedRow();
        // Operators downstream (a shuffle's serializer) take UnsafeRows.
        private final UnsafeProjection outputRows;
        private int filled;
        private int next;
        private boolean closed;

        Batches(Iterator<InternalRow> rows, List<ScoreSpec> specs, Seq<Attribute> input, Seq<Attribute> output) {
            this.rows = rows;
            this.outputRows = UnsafeProjection.create(ScalaSeqs.<Expression>seq(ScalaSeqs.list(output).stream().map(a -> (Expression) a).toList()), output);
            TaskContext task = TaskContext.get();
            if (task != null) {
                task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) context -> close());
            }
            int size = Integer.MAX_VALUE;
            try {
                for (ScoreSpec spec : specs) {
                    SharedModels.Lease lease = SharedModels.acquire(spec.score().source());
                    leases.add(lease);
                    scorers.add(new BatchScorer(lease.model(), spec.score().method(), spec.argumentNames(), spec.argumentTypes(), spec.score().batchSize()));
                    arguments.add(UnsafeProjection.create(spec.score().children(), input));
                    size = Math.min(size, spec.score().batchSize());
                }
            } catch (RuntimeException e) {
                close();
                throw e;
            }
            batch = new InternalRow[size];
            results = new Object[specs.size()][];
        }

        @Override
        public boolean hasNext() {
            if (next < filled) {
                return true;
            }
            fill();
            if (filled == 0) {
                close();
                return false;
            }
            return true;
        }

        @Override
        public InternalRow next() {
            if (!hasNext()) {
                throw new java.util.NoSuchElementException();
            }
            Object[] values = new Object[results.length];
            for (int k = 0; k < results.length; k++) {
                values[k] = results[k][next];
            }
            InternalRow row = batch[next];
            batch[next++] = null;
            return outputRows.apply(joined.apply(row, new GenericInternalRow(values)));
        }

        private void fill() {
            filled = 0;
            next = 0;
            while (filled < batch.length && rows.hasNext()) {
                InternalRow row = rows.next().copy();
                batch[filled++] = row;
                for (int k = 0; k < scorers.size(); k++) {
                    scorers.get(k).add(arguments.get(k).apply(row));
                }
            }
            for (int k = 0; k < scorers.size(); k++) {
                results[k] = scorers.get(k).score();
            }
        }

        private void close() {
            if (closed) {
                return;
            }
            closed = true;
            scorers.forEach(BatchScorer::close);
            leases.forEach(SharedModels.Lease::close);
        }
    }

    @Override
    public Seq<Attribute> output() {
        return child.output().appendedAll(results).toSeq();
    }

    @Override
    public Seq<SparkPlan> children() {
        return ScalaSeqs.seq(child);
    }

    @Override
    public SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> newChildren) {
        return new ScoreExec(newChildren.apply(0), scores, results);
    }

    @Override
    public int productArity() {
        return 3;
    }

    @Override
    public Object productElement(int n) {
        return switch (n) {
            case 0 -> child;
            case 1 -> scores;
            case 2 -> results;
            default -> throw new IndexOutOfBoundsException(n);
        };
    }

    @Override
    public boolean canEqual(Object that) {
        return that instanceof ScoreExec;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScoreExec s && child.equals(s.child) && scores.equals(s.scores) && results.equals(s.results);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(child, scores, results);
    }
}
