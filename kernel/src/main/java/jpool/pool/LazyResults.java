package jpool.pool;

import jpool.api.Fn;
import jpool.shipping.ChunkTask;
import jpool.shipping.ShippedFn;
import jpool.display.CellScope;
import jpool.shipping.Shipment;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;

/** Iterator behind imap/imapUnordered: keeps a bounded number of inputs in flight ahead of the reader. */
final class LazyResults<A, R> implements Iterator<R> {
    private final Pool pool;
    private final Fn<A, R> fn;
    private final Iterator<A> source;
    private final boolean ordered;
    private final Batch batch;
    private final int window;
    private Shipment first;
    private final ShippedFn.Prepared shipped;
    private int consumed;

    LazyResults(Pool pool, Fn<A, R> fn, Iterator<A> source, boolean ordered) {
        this.pool = pool;
        this.window = 2 * pool.processes();
        this.fn = fn;
        this.shipped = ShippedFn.prepare(fn);
        this.source = source;
        this.ordered = ordered;
        this.batch = new Batch(CellScope.current(), "imap", !ordered);
        fill();
    }

    private void fill() {
        while (batch.size() - consumed < window && source.hasNext()) {
            ArrayList<Object> one = new ArrayList<>();
            one.add(source.next());
            int idx = batch.add();
            ChunkTask task = new ChunkTask(shipped.form(), ChunkTask.Kind.FN, one);
            Shipment s = Submission.ship(task, shipped, first);
            if (first == null) first = s;
            pool.enqueue(List.of(new TaskRecord(batch, idx, one, s, shipped, ChunkTask.Kind.FN)));
        }
    }

    @Override
    public boolean hasNext() {
        return consumed < batch.size() || source.hasNext();
    }

    @Override
    @SuppressWarnings("unchecked")
    public R next() {
        if (!hasNext()) throw new NoSuchElementException();
        Outcome<Object> o;
        try {
            o = ordered ? batch.item(consumed).get() : batch.completed().take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for a pool result");
        } catch (ExecutionException e) {
            throw AsyncResult.unwrap(e);
        }
        consumed++;
        fill();
        if (!o.ok()) throw o.error();
        return (R) o.value();
    }
}
