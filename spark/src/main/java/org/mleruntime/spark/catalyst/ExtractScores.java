package org.mleruntime.spark.catalyst;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression$;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.types.Metadata;
import scala.collection.immutable.Seq;
import scala.runtime.AbstractFunction1;

/**
 * The optimizer rule that makes scoring batched, as Spark's own rule does for Python UDFs: a plan
 * node with one child whose expressions use {@link MleScore}s gets a {@link ScoreNode} beneath it
 * that computes them, and refers to their results instead. A score whose arguments hold another is
 * taken on the rule's next pass, over the node that computes the inner one. Nodes that pass their
 * child's columns through (a filter, a sort) get a projection above them that drops the results.
 * The scoring node passes on only the child's columns that the node above reads.
 */
public final class ExtractScores extends Rule<LogicalPlan> {
    @Override
    public LogicalPlan apply(LogicalPlan plan) {
        List<LogicalPlan> children = ScalaSeqs.list(plan.children());
        List<LogicalPlan> rewritten = children.stream().map(this::apply).toList();
        LogicalPlan node = rewritten.equals(children) ? plan : plan.withNewChildren(ScalaSeqs.seq(rewritten));
        if (node instanceof ScoreNode || rewritten.size() != 1) {
            return node;
        }
        Map<Expression, Attribute> scores = new LinkedHashMap<>();
        ScalaSeqs.list(node.expressions()).forEach(e -> collect(e, scores));
        if (scores.isEmpty()) {
            return node;
        }
        int i = 0;
        for (Map.Entry<Expression, Attribute> entry : scores.entrySet()) {
            MleScore score = (MleScore) entry.getKey();
            entry.setValue(new AttributeReference("mle_" + score.prettyName() + "_" + i++, score.dataType(), true, Metadata.empty(),
                    NamedExpression$.MODULE$.newExprId(), ScalaSeqs.seq()));
        }
        LogicalPlan child = rewritten.getFirst();
        Seq<Expression> computed = ScalaSeqs.seq(new ArrayList<>(scores.keySet()));
        Seq<Attribute> results = ScalaSeqs.seq(new ArrayList<>(scores.values()));
        LogicalPlan replaced = node.withNewChildren(ScalaSeqs.seq(new ScoreNode(child, child.output(), computed, results)))
                .mapExpressions(new AbstractFunction1<Expression, Expression>() {
                    @Override
                    public Expression apply(Expression e) {
                        return replace(e, scores);
                    }
                });
        AttributeSet references = replaced.references();
        AttributeSet outputs = replaced.outputSet();
        List<Attribute> read = ScalaSeqs.list(child.output()).stream().filter(a -> references.contains(a) || outputs.contains(a)).toList();
        replaced = replaced.withNewChildren(ScalaSeqs.seq(new ScoreNode(child, ScalaSeqs.seq(read), computed, results)));
        if (replaced.output().equals(node.output())) {
            return replaced;
        }
        List<NamedExpression> kept = ScalaSeqs.list(node.output()).stream().map(a -> (NamedExpression) a).toList();
        return new Project(ScalaSeqs.seq(kept), replaced);
    }

    /** The scores in {@code e} whose arguments hold no other score. */
    private static boolean collect(Expression e, Map<Expression, Attribute> scores) {
        boolean inner = false;
        for (Expression child : ScalaSeqs.list(e.children())) {
            inner |= collect(child, scores);
        }
        if (e instanceof MleScore && !inner) {
            scores.putIfAbsent(e, null);
        }
        return inner || e instanceof MleScore;
    }

    private static Expression replace(Expression e, Map<Expression, Attribute> scores) {
        Attribute result = scores.get(e);
        if (result != null) {
            return result;
        }
        List<Expression> children = ScalaSeqs.list(e.children());
        List<Expression> replaced = children.stream().map(c -> replace(c, scores)).toList();
        return replaced.equals(children) ? e : e.withNewChildren(ScalaSeqs.seq(replaced));
    }
}
