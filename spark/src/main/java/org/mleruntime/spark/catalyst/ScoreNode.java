package org.mleruntime.spark.catalyst;

import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * The logical plan node that scores: for each of its child's rows, the child's columns the plan
 * above still reads ({@code passThrough}) followed by the results of {@code scores} (the
 * {@link MleScore}s a query uses) as the columns {@code results}. Columns only the models read
 * are not carried further, which saves copying them row by row.
 */
public final class ScoreNode extends LogicalPlan {
    private final LogicalPlan child;
    private final Seq<Attribute> passThrough;
    private final Seq<Expression> scores;
    private final Seq<Attribute> results;

    public ScoreNode(LogicalPlan child, Seq<Attribute> passThrough, Seq<Expression> scores, Seq<Attribute> results) {
        this.child = child;
        this.passThrough = passThrough;
        this.scores = scores;
        this.results = results;
    }

    public LogicalPlan child() {
        return child;
    }

    public Seq<Attribute> passThrough() {
        return passThrough;
    }

    public Seq<Expression> scores() {
        return scores;
    }

    public Seq<Attribute> results() {
        return results;
    }

    @Override
    public Seq<Attribute> output() {
        return passThrough.appendedAll(results).toSeq();
    }

    @Override
    public AttributeSet producedAttributes() {
        @SuppressWarnings({"unchecked", "rawtypes"})
        scala.collection.Iterable<Expression> attributes = (scala.collection.Iterable) results;
        return AttributeSet.apply(attributes);
    }

    @Override
    public Seq<LogicalPlan> children() {
        return ScalaSeqs.seq(child);
    }

    @Override
    public LogicalPlan withNewChildrenInternal(IndexedSeq<LogicalPlan> newChildren) {
        return new ScoreNode(newChildren.apply(0), passThrough, scores, results);
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
        return that instanceof ScoreNode;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScoreNode s && child.equals(s.child) && passThrough.equals(s.passThrough) && scores.equals(s.scores)
                && results.equals(s.results);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(child, passThrough, scores, results);
    }
}
