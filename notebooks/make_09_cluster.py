"""Writes notebooks/09-cluster.ipynb (saved without outputs). Run with Debian's Python:

    /usr/bin/python3 notebooks/make_09_cluster.py

Edit the cells here, not in the .ipynb, so the cell ids the checks (tests/python/nb_checks_cluster.py) use stay put.
The notebook starts a Spark standalone cluster on this machine (Spark is resolved from Maven Central the first time;
its test skips when Spark cannot be resolved).
"""
from pathlib import Path

import nbformat
from nbformat.v4 import new_notebook

from nbcells import Cells

OUT = Path(__file__).resolve().parent / "09-cluster.ipynb"

cells = Cells()
md, code = cells.md, cells.code


md("intro", """
# The same Pool on an Apache Spark cluster

When a grid search outgrows one machine, the same `Pool` calls run on a Spark cluster: `new Pool(Cluster.spark(URL))`.
Each chunk of a call runs as a Spark task on an executor; classes, records, lambdas and the notebook variables a
task reads travel as they do to local workers. Here the cluster is a Spark standalone cluster started by the
notebook itself on this machine (a Master and two Workers, separate JVMs on 127.0.0.1). The first time, Spark
(about 170 MB) is resolved from Maven Central into `~/.m2`.
""")

code("start", """
LocalStandalone local = Cluster.localStandalone(2, 1);   // a Master and 2 Workers of 1 core
local.masterUrl()
""")

code("pool", """
Pool pool = new Pool(local.cluster());
pool.status()
""")

md("grid-md", """
## The 8-topic grid search

One ridge regression per topic, tuned over a grid of penalties; the data of each topic is made from its seed in the
task. The record, the helper methods and `lambdas` (a notebook variable) are defined in cells and used on executors.
""")

code("defs", """
record Fit(String topic, double lambda, double error) { }
double[] lambdas = {0.01, 0.1, 1, 10, 100};

Fit tune(String topic) {
    var rnd = new java.util.Random(topic.hashCode());
    int n = 2000, p = 8;
    double[][] x = new double[n][p];
    double[] y = new double[n], w = new double[p];
    for (int j = 0; j < p; j++) w[j] = rnd.nextGaussian();
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < p; j++) { x[i][j] = rnd.nextGaussian(); y[i] += w[j] * x[i][j]; }
        y[i] += 0.5 * rnd.nextGaussian();
    }
    Fit best = null;
    for (double lambda : lambdas) {
        double[] b = new double[p];            // gradient descent on the penalised squared error
        for (int it = 0; it < 200; it++) {
            double[] g = new double[p];
            for (int i = 0; i < n; i++) {
                double r = -y[i];
                for (int j = 0; j < p; j++) r += b[j] * x[i][j];
                for (int j = 0; j < p; j++) g[j] += r * x[i][j] / n;
            }
            for (int j = 0; j < p; j++) b[j] -= 0.1 * (g[j] + lambda * b[j] / n);
        }
        double err = 0;
        for (int i = 0; i < n; i++) { double r = -y[i]; for (int j = 0; j < p; j++) r += b[j] * x[i][j]; err += r * r / n; }
        if (best == null || err < best.error()) best = new Fit(topic, lambda, err);
    }
    System.out.println(topic + ": best lambda " + best.lambda());
    return best;
}
""")

code("grid", """
List<String> topics = List.of("sports", "politics", "science", "arts", "business", "health", "travel", "food");
List<Fit> fits = pool.map(topic -> tune(topic), topics);   // in topic order; output tagged by executor
fits
""")

code("count", """
System.out.println(fits.size() + " topics tuned, in order: " + fits.stream().map(Fit::topic).toList().equals(topics));
""")

md("fail-md", """
## A failing input fails alone

As locally: the other inputs keep their results, the failed one carries the executor's stack trace.
""")

code("fail", """
pool.mapResults(t -> t.equals("arts") ? tune(null) : tune(t), topics).stream()
    .map(o -> o.ok() ? o.value().topic() + " ok" : "failed: " + o.error().getClass().getSimpleName()).toList()
""")

md("real-md", """
## On a real cluster

The same cells run on any Spark cluster: only the pool's line changes. The driver is this kernel, so executors must
reach it: set `spark.driver.host` to an address of this machine they can reach (and open `spark.driver.port`,
`spark.blockManager.port` and the output channel's port, see the README's "Running on a cluster").

```java
Pool pool = new Pool(Cluster.spark("spark://cluster-master:7077")
        .executorMemory("4g").executorCores(4)
        .conf("spark.driver.host", "10.0.0.2"));
```

or for the `%%pool` cells of a notebook: `%cluster spark://cluster-master:7077`. YARN: `Cluster.spark("yarn")`
(with `HADOOP_CONF_DIR` set); Kubernetes: `Cluster.spark("k8s://https://api-server:6443")` plus
`spark.kubernetes.container.image`.
""")

code("close", """
pool.close();          // stops the SparkContext: its executors end
local.close();         // stops the Master and the Workers
""")

nb = new_notebook(cells=cells, metadata={
    "kernelspec": {"display_name": "Java (jpool)", "language": "java", "name": "jpool"},
    "language_info": {"name": "java"},
})
nbformat.write(nb, str(OUT))
print(f"wrote {OUT}")
