/**
 * Pools on an Apache Spark cluster: {@code Cluster} (where and how to connect), {@code LocalStandalone} (a
 * standalone cluster on this machine, for trying it out and for tests) and the one failure they report.
 */
@CellImports({"Cluster", "LocalStandalone", "ClusterFailure"})
package jpool.cluster;

import jpool.api.CellImports;
