package jpool.api;

import java.io.Serializable;

/** A two-argument task that returns nothing, e.g. {@code (a, b) -> save(a, b)}, for {@code Pool.starForEach}. */
@FunctionalInterface
public interface Act2<A, B> extends Serializable {
    void accept(A a, B b) throws Exception;
}
