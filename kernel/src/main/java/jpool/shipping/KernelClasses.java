package jpool.shipping;

import jpool.KernelServices;
import jpool.eval.ClassStore;
import jpool.ipc.ShipFilter;

import java.util.List;
import java.util.Map;

/** How the kernel reads values coming back from workers: with the loader of the notebook's own classes. */
public final class KernelClasses {
    /** Results may be any JDK value type, jpool type, notebook class or class from a jar the notebook added. */
    public static final ShipFilter FILTER = new ShipFilter(c -> c.getClassLoader() != null && c.getClassLoader() == loader());
    /** JShell's loader never changes once it exists, so it is looked up once. */
    private static volatile ClassLoader replLoader;

    private KernelClasses() {
    }

    /** JShell's class loader once a cell defined a class (it also sees jars added to the class path). */
    public static ClassLoader loader() {
        ClassLoader known = replLoader;
        if (known != null) return known;
        var evaluator = KernelServices.evaluator();
        if (evaluator != null) {
            ClassStore store = evaluator.classes();
            List<Map.Entry<String, byte[]>> defined = store.since(Math.max(0, store.size() - 1));
            if (!defined.isEmpty()) {
                try {
                    return replLoader = evaluator.control().classForName(defined.get(0).getKey()).getClassLoader();
                } catch (ClassNotFoundException e) {
                    // fall through to the kernel's own loader
                }
            }
        }
        return KernelClasses.class.getClassLoader();
    }
}
