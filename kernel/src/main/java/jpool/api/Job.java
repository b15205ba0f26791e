package jpool.api;

import java.io.Serializable;

/**
 * The body of a {@code Proc}: a lambda such as {@code () -> System.out.println("hi")}. It may throw checked
 * exceptions, and it is Serializable so the kernel can ship it (and what it captures) to the worker.
 */
@FunctionalInterface
public interface Job extends Serializable {
    void run() throws Exception;
}
