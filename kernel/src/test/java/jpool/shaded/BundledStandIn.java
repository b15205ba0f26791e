package jpool.shaded;

import java.io.Serializable;

/** Stands for a class of a library bundled (relocated) in jpool.jar, which has no business crossing to a worker. */
public class BundledStandIn implements Serializable {
}
