package org.mleruntime.spark.catalyst;

import java.util.List;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/** Conversions between Java lists and the Scala sequences Catalyst's API takes. */
final class ScalaSeqs {
    private ScalaSeqs() {
    }

    static <T> Seq<T> seq(List<T> values) {
        return CollectionConverters.asScala(values).toSeq();
    }

    @SafeVarargs
    static <T> Seq<T> seq(T... values) {
        return seq(List.of(values));
    }

    static <T> List<T> list(scala.collection.Iterable<T> values) {
        return List.copyOf(CollectionConverters.asJavaCollection(values));
    }
}
