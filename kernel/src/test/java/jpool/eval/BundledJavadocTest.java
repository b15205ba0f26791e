package jpool.eval;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BundledJavadocTest {
    @Test
    void classAndMethodDocsComeFromTheBundledSources() {
        String type = BundledJavadoc.forSignature("jpool.pool.Pool");
        assertNotNull(type);
        assertTrue(type.contains("pool of worker JVMs"), type);
        String map = BundledJavadoc.forSignature("List<R> Pool.<A, R>map(Fn<A,R> fn, Iterable<A> items)");
        assertNotNull(map);
        assertTrue(map.contains("input order"), map);
        String chunked = BundledJavadoc.forSignature("List<R> Pool.<A, R>map(Fn<A,R> fn, Iterable<A> items, int chunkSize)");
        assertTrue(chunked.contains("chunkSize"), chunked);
        String queue = BundledJavadoc.forSignature("void MpQueue<T>.put(T item)");
        assertNotNull(queue, "sharing sources are bundled too");
    }

    @Test
    void otherSignaturesHaveNone() {
        assertNull(BundledJavadoc.forSignature("int Math.max(int a, int b)"));
        assertNull(BundledJavadoc.forSignature("jpool.pool.NoSuchType"));
    }
}
