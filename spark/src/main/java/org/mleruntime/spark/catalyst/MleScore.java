package org.mleruntime.spark.catalyst;

import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.analysis.TypeCheckResult;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Unevaluable;
import org.apache.spark.sql.catalyst.expressions.codegen.CodegenContext;
import org.apache.spark.sql.catalyst.expressions.codegen.ExprCode;
import org.apache.spark.sql.types.DataType;
import org.mleruntime.MleException;
import org.mleruntime.spark.scoring.ColumnSignature;
import org.mleruntime.spark.scoring.ModelSource;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * A model's method applied to a row's columns: {@code churn(f1, …, f30)} in SQL, the output column
 * of {@code MleTransformer}. It is never evaluated row by row: {@link ExtractScores} moves it into a
 * {@link ScoreNode}, which scores rows in batches, and leaves a reference to its result in its place.
 *
 * @param arguments the feature columns, in the model's order (or one array or vector column)
 * @param source the model file and its keys
 * @param method the model's method
 * @param name the function's name, for plans and messages
 * @param signature the model's columns and result types, read where the expression was made
 * @param batchSize rows per engine call
 */
public final class MleScore extends Expression implements Unevaluable, java.io.Serializable {
    private final Seq<Expression> arguments;
    private final ModelSource source;
    private final String method;
    private final String name;
    private final ColumnSignature signature;
    private final Integer batchSize;

    public MleScore(Seq<Expression> arguments, ModelSource source, String method, String name, ColumnSignature signature, Integer batchSize) {
        this.arguments = arguments;
        this.source = source;
        this.method = signature.resolveMethod(method);
        this.name = name;
        this.signature = signature;
        this.batchSize = batchSize;
    }

    public ModelSource source() {
        return source;
    }

    public String method() {
        return method;
    }

    public ColumnSignature signature() {
        return signature;
    }

    public int batchSize() {
        return batchSize;
    }

    @Override
    public Seq<Expression> children() {
        return arguments;
    }

    @Override
    public boolean nullable() {
        return true;
    }

    @Override
    public DataType dataType() {
        return signature.resultType(method);
    }

    @Override
    public TypeCheckResult checkInputDataTypes() {
        List<Expression> args = ScalaSeqs.list(arguments);
        try {
            signature.readsVector(args.stream().map(Expression::sql).toList(), args.stream().map(Expression::dataType).toList());
            return TypeCheckResult.TypeCheckSuccess$.MODULE$;
        } catch (MleException e) {
            return new TypeCheckResult.TypeCheckFailure(name + ": " + e.getMessage());
        }
    }

    @Override
    public boolean deterministic() {
        return true;
    }

    @Override
    public Object eval(InternalRow row) {
        throw notHere();
    }

    @Override
    public ExprCode doGenCode(CodegenContext ctx, ExprCode ev) {
        throw notHere();
    }

    private MleException notHere() {
        return new MleException(name + "(…) scores rows in batches under a projection, filter, aggregate or sort; it cannot be used "
                + "in a join condition or other place that evaluates it row by row: compute it in a SELECT first");
    }

    @Override
    public Expression withNewChildrenInternal(IndexedSeq<Expression> newChildren) {
        return new MleScore(newChildren, source, method, name, signature, batchSize);
    }

    @Override
    public String prettyName() {
        return name;
    }

    @Override
    public int productArity() {
        return 6;
    }

    @Override
    public Object productElement(int n) {
        return switch (n) {
            case 0 -> arguments;
            case 1 -> source;
            case 2 -> method;
            case 3 -> name;
            case 4 -> signature;
            case 5 -> batchSize;
            default -> throw new IndexOutOfBoundsException(n);
        };
    }

    @Override
    public boolean canEqual(Object that) {
        return that instanceof MleScore;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MleScore s && arguments.equals(s.arguments) && source.equals(s.source) && method.equals(s.method)
                && name.equals(s.name) && batchSize.equals(s.batchSize);
    }

    @Override
    public int hashCode() {
        return Objects.hash(arguments, source, method, name, batchSize);
    }
}
