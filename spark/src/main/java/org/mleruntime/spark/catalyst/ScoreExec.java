package org.mleruntime.spark.catalyst;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
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
 * input memory, runs each batch as one call, and passes on each row's kept columns with its results.
 */
public final class ScoreExec extends SparkPlan {
    private static final InternalRow NOTHING_KEPT = new GenericInternalRow(0);
    private final SparkPlan child;
    private final Seq<Attribute> passThrough;
    private final Seq<Expression> scores;
    private final Seq<Attribute> results;

    public ScoreExec(SparkPlan child, Seq<Attribute> passThrough, Seq<Expression> scores, Seq<Attribute> results) {
        this.child = child;
        this.passThrough = passThrough;
        this.scores = scores;
        this.results = results;
    }

    @Override
    public RDD<InternalRow> doExecute() {
        List<Attribute> input = ScalaSeqs.list(child.output());
        List<ScoreSpec> specs = new ArrayList<>();
        for (Expression e : ScalaSeqs.list(scores)) {
            MleScore s = (MleScore) e;
            List<Expression> args = ScalaSeqs.list(s.children());
            specs.add(new ScoreSpec(s, args.stream().map(Expression::sql).toList(), args.stream().map(Expression::dataType).toArray(DataType[]::new),
                    ordinals(args, input)));
        }
        return child.execute().mapPartitionsInternal(new Scoring(specs, child.output(), passThrough, output()), false,
                ClassTag$.MODULE$.apply(InternalRow.class));
    }

    /** Where each argument is in the child's rows, or null when one is computed rather than a column of them. */
    private static int[] ordinals(List<Expression> args, List<Attribute> input) {
        int[] ordinals = new int[args.size()];
        for (int j = 0; j < ordinals.length; j++) {
            if (!(args.get(j) instanceof AttributeReference a)) {
                return null;
            }
            ordinals[j] = -1;
            for (int i = 0; i < input.size() && ordinals[j] < 0; i++) {
                if (input.get(i).exprId().equals(a.exprId())) {
                    ordinals[j] = i;
                }
            }
            if (ordinals[j] < 0) {
                return null;
            }
        }
        return ordinals;
    }

    /**
     * One score of a partition's: the expression with its argument names and types, and where the
     * arguments are in the child's rows (null: computed by a projection), resolved on the driver.
     */
    private record ScoreSpec(MleScore score, List<String> argumentNames, DataType[] argumentTypes, int[] ordinals)
            implements java.io.Serializable {
    }

    private static final class Scoring extends AbstractFunction1<Iterator<InternalRow>, Iterator<InternalRow>> implements java.io.Serializable {
        private final List<ScoreSpec> specs;
        private final Seq<Attribute> input;
        private final Seq<Attribute> passThrough;
        private final Seq<Attribute> output;

        Scoring(List<ScoreSpec> specs, Seq<Attribute> input, Seq<Attribute> passThrough, Seq<Attribute> output) {
            this.specs = specs;
            this.input = input;
            this.passThrough = passThrough;
            this.output = output;
        }

        @Override
        public Iterator<InternalRow> apply(Iterator<InternalRow> rows) {
            return new Batches(rows, specs, input, passThrough, output);
        }
    }

    /** A partition's rows with their results, scored a batch ahead of what the consumer has read. */
    private static final class Batches extends AbstractIterator<InternalRow> {
        private final Iterator<InternalRow> rows;
        private final List<SharedModels.Lease> leases = new ArrayList<>();
        private final List<BatchScorer> scorers = new ArrayList<>();
        private final List<UnsafeProjection> arguments = new ArrayList<>();
        private final UnsafeProjection keep;
        private final InternalRow[] kept;
        private final Object[][] results;
        private final Object[] values;
        private final InternalRow resultRow;
        private final JoinedRow joined = new JoinedRow();
        // Operators downstream (a shuffle's serializer) take UnsafeRows.
        private final UnsafeProjection outputRows;
        private int filled;
        private int next;
        private boolean closed;

        Batches(Iterator<InternalRow> rows, List<ScoreSpec> specs, Seq<Attribute> input, Seq<Attribute> passThrough, Seq<Attribute> output) {
            this.rows = rows;
            this.keep = passThrough.isEmpty() ? null : UnsafeProjection.create(expressions(passThrough), input);
            this.outputRows = UnsafeProjection.create(expressions(output), output);
            TaskContext task = TaskContext.get();
            if (task != null) {
                task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) context -> close());
            }
            int size = Integer.MAX_VALUE;
            try {
                for (ScoreSpec spec : specs) {
                    SharedModels.Lease lease = SharedModels.acquire(spec.score().source());
                    leases.add(lease);
                    boolean projected = spec.ordinals() == null;
                    int[] ordinals = projected ? IntStream.range(0, spec.argumentNames().size()).toArray() : spec.ordinals();
                    scorers.add(new BatchScorer(lease.model(), spec.score().method(), spec.argumentNames(), spec.argumentTypes(), ordinals,
                            spec.score().batchSize()));
                    arguments.add(projected ? UnsafeProjection.create(spec.score().children(), input) : null);
                    size = Math.min(size, spec.score().batchSize());
                }
            } catch (RuntimeException e) {
                close();
                throw e;
            }
            kept = new InternalRow[size];
            results = new Object[specs.size()][];
            values = new Object[specs.size()];
            resultRow = new GenericInternalRow(values);
        }

        private static Seq<Expression> expressions(Seq<Attribute> attributes) {
            return ScalaSeqs.seq(ScalaSeqs.list(attributes).stream().map(a -> (Expression) a).toList());
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
            for (int k = 0; k < results.length; k++) {
                values[k] = results[k][next];
            }
            InternalRow row = kept[next];
            kept[next++] = null;
            return outputRows.apply(joined.apply(row, resultRow));
        }

        private void fill() {
            filled = 0;
            next = 0;
            while (filled < kept.length && rows.hasNext()) {
                InternalRow row = rows.next();
                // The child may hand out one row object, refilled for each row: what is kept is copied.
                kept[filled++] = keep == null ? NOTHING_KEPT : keep.apply(row).copy();
                for (int k = 0; k < scorers.size(); k++) {
                    UnsafeProjection projection = arguments.get(k);
                    scorers.get(k).add(projection == null ? row : projection.apply(row));
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
        return passThrough.appendedAll(results).toSeq();
    }

    @Override
    public Seq<SparkPlan> children() {
        return ScalaSeqs.seq(child);
    }

    @Override
    public SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> newChildren) {
        return new ScoreExec(newChildren.apply(0), passThrough, scores, results);
    }

    @Override
    public int productArity() {
        return 4;
    }

    @Override
    public Object productElement(int n) {
        return switch (n) {
            case 0 -> child;
            case 1 -> passThrough;
            case 2 -> scores;
            case 3 -> results;
            default -> throw new IndexOutOfBoundsException(n);
        };
    }

    @Override
    public boolean canEqual(Object that) {
        return that instanceof ScoreExec;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScoreExec s && child.equals(s.child) && passThrough.equals(s.passThrough) && scores.equals(s.scores) && results.equals(s.results);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(child, passThrough, scores, results);
    }
}
