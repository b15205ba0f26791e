/**
 * Sharing data between the kernel and worker processes, after Python's {@code multiprocessing}. Every class is
 * imported in notebook cells; the names avoid {@code java.util} and {@code java.util.concurrent} ones:
 * <table>
 * <caption>jpool classes and their Python counterparts</caption>
 * <tr><th>jpool</th><th>Python</th><th>kept in</th></tr>
 * <tr><td>{@link jpool.sharing.MpQueue}, {@link jpool.sharing.JoinableMpQueue}</td><td>Queue, JoinableQueue</td><td>kernel</td></tr>
 * <tr><td>{@link jpool.sharing.Pipe}, {@link jpool.sharing.PipeEnd}</td><td>Pipe()</td><td>kernel</td></tr>
 * <tr><td>{@link MpEvent}, {@link MpLock}, {@link MpSemaphore}</td><td>Event, Lock, Semaphore</td><td>kernel</td></tr>
 * <tr><td>{@link Manager}, {@link SharedMap}, {@link SharedList}</td><td>Manager().dict(), .list()</td><td>kernel</td></tr>
 * <tr><td>{@link SharedInt}, {@link SharedLong}, {@link SharedDouble}</td><td>Value</td><td>shared memory</td></tr>
 * <tr><td>{@link SharedIntArray}, {@link SharedLongArray}, {@link SharedDoubleArray}</td><td>Array</td><td>shared memory</td></tr>
 * </table>
 * <p><b>Kernel objects.</b> A queue, event, lock or managed collection lives in the kernel's {@code Broker}; the
 * notebook variable holds a small Serializable handle with its id. A task or process that uses the variable gets
 * a copy of the handle, and each method call becomes a {@code CALL} frame over the worker's existing channel,
 * answered by a {@code REPLY}. Operations that wait (a get on an empty queue, a held lock) wait on a kernel thread,
 * never on the worker's channel reader. A worker's put to an unbounded queue does not wait for an answer. Values
 * travel by Java serialization and are copies, as in Python.
 * <p><b>Dead workers.</b> When a worker exits, its waiting calls are cancelled, the locks and semaphore permits it
 * held are released (what it did under the lock may be half done), and an item taken for it that could not be
 * delivered goes back to the head of its queue.
 * <p><b>Shared memory.</b> Values and arrays are files in {@code /dev/shm} (mode 0600) that each process maps;
 * reads and writes are VarHandle accesses with volatile semantics and atomic add and compare-and-set, with no
 * call to the kernel. The files are deleted when the kernel shuts down, and by the next kernel if it was killed.
 * <p><b>Lifetimes.</b> Kernel objects live until {@code dispose()}, their {@link jpool.sharing.Manager} is closed, or
 * the kernel ends; handles then fail with IllegalStateException.
 */
@CellImports({"MpQueue", "JoinableMpQueue", "Pipe", "PipeEnd", "MpEvent", "MpLock", "MpSemaphore", "Manager", "SharedMap",
        "SharedList", "SharedInt", "SharedLong", "SharedDouble", "SharedIntArray", "SharedLongArray", "SharedDoubleArray"})
package jpool.sharing;

import jpool.api.CellImports;
