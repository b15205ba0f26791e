"""Writes notebooks/08-maven.ipynb (saved without outputs). Run with Debian's Python:

    /usr/bin/python3 notebooks/make_08_maven.py

Edit the cells here, not in the .ipynb, so the cell ids the checks (tests/python/nb_checks_maven.py) use stay put.
The notebook downloads Apache Commons Math and Commons Text from Maven Central; its test skips when Central cannot
be reached.
"""
from pathlib import Path

import nbformat
from nbformat.v4 import new_notebook

from nbcells import Cells

OUT = Path(__file__).resolve().parent / "08-maven.ipynb"

cells = Cells()
md, code = cells.md, cells.code


md("intro", """
# Libraries from Maven Central, in cells and in every worker

`%maven GROUP:ARTIFACT:VERSION` resolves a library and everything it needs at run time with
[Apache Maven Resolver](https://maven.apache.org/resolver/) (what Maven itself uses), and puts the jars on the class
path of the cells **and of every worker**: the ones already running, the spares, and those started later. A lambda
that uses the library then runs in a `Pool` with no extra step.

| Python | jpool |
|---|---|
| `pip install numpy` (in a terminal), `%pip install numpy` | `%maven org.apache.commons:commons-math3:3.6.1` |
| `requirements.txt` | `%%loadFromPOM` with `<dependency>` elements |
| `pip list` | `%maven --list` |
| `pip install --index-url URL` | `%maven --repo NAME=URL` |

Downloads go to your local Maven repository (`~/.m2/repository`, or the one your `~/.m2/settings.xml` names), so the
second time, in this kernel or another, nothing is downloaded. Mirrors, proxies and offline mode in `settings.xml` are
honoured.

This notebook needs Maven Central (or a mirror of it) the first time it runs.
""")

code("maven", "%maven org.apache.commons:commons-math3:3.6.1")

md("maven-md", """
While files download the cell shows one line updated in place (files and bytes so far); when done, a summary.
`%maven --list` shows every jar added, with its version and where it came from:
""")

code("list", "%maven --list")

md("fit-md", """
## A grid search per topic: polynomial curve fits

The job jpool was made for: one model per topic, each tuned over a grid. Each topic here has 400 noisy points of an
unknown polynomial; for every degree in the grid, Commons Math's `PolynomialCurveFitter` fits three quarters of the
points and the held-out quarter scores the fit. The chosen degree is the smallest whose validation error is within 5%
of the best (a bigger degree that is barely better only fits the noise).

Nothing below mentions workers or jars: `tune` uses Commons Math, and the pool's workers load it from the jar
`%maven` added.
""")

code("fit-def", """
import org.apache.commons.math3.analysis.polynomials.PolynomialFunction;
import org.apache.commons.math3.fitting.PolynomialCurveFitter;
import org.apache.commons.math3.fitting.WeightedObservedPoints;

record Topic(String name, int trueDegree, long seed) {}
record Fit(String topic, int degree, double validationRmse, String coefficients) {}
int[] degrees = {1, 2, 3, 4, 5, 6};

/** 400 points of a random polynomial of the topic's degree, with noise (the same points in every process). */
double[][] points(Topic t) {
    Random r = new Random(t.seed());
    double[] coef = new double[t.trueDegree() + 1];
    for (int i = 0; i < coef.length; i++) coef[i] = (r.nextBoolean() ? 1 : -1) * (1 + 2 * r.nextDouble());
    PolynomialFunction truth = new PolynomialFunction(coef);
    double[][] xy = new double[400][];
    for (int i = 0; i < xy.length; i++) {
        double x = -2 + 4 * r.nextDouble();
        xy[i] = new double[] {x, truth.value(x) + 0.3 * r.nextGaussian()};
    }
    return xy;
}

/** Fits every degree of the grid on 3/4 of the points, scores it on the rest, keeps the smallest good one. */
Fit tune(Topic t) {
    double[][] xy = points(t);
    double[] rmse = new double[degrees.length];
    double[][] coefs = new double[degrees.length][];
    for (int k = 0; k < degrees.length; k++) {
        WeightedObservedPoints train = new WeightedObservedPoints();
        for (int i = 0; i < xy.length; i++) if (i % 4 != 0) train.add(xy[i][0], xy[i][1]);
        coefs[k] = PolynomialCurveFitter.create(degrees[k]).fit(train.toList());
        PolynomialFunction f = new PolynomialFunction(coefs[k]);
        double sum = 0;
        for (int i = 0; i < xy.length; i += 4) sum += Math.pow(f.value(xy[i][0]) - xy[i][1], 2);
        rmse[k] = Math.sqrt(sum / (xy.length / 4));
    }
    double best = Arrays.stream(rmse).min().getAsDouble();
    int k = 0;
    while (rmse[k] > 1.05 * best) k++;
    StringJoiner c = new StringJoiner(", ");
    for (double v : coefs[k]) c.add(String.format(Locale.ROOT, "%.2f", v));
    return new Fit(t.name(), degrees[k], Math.round(rmse[k] * 1000) / 1000.0, c.toString());
}

String[] names = {"weather", "traffic", "energy", "retail", "health", "sports", "travel", "music"};
List<Topic> topics = new ArrayList<>();
for (int i = 0; i < names.length; i++) topics.add(new Topic(names[i], 1 + i % 4, 17L * i + 3));
""")

code("fits", """
Pool pool = new Pool(2);
List<Fit> fits = pool.map(t -> tune(t), topics);
fits
""")

code("found", """
for (int i = 0; i < topics.size(); i++) {
    System.out.printf("%-8s degree %d (true %d)%n", topics.get(i).name(), fits.get(i).degree(), topics.get(i).trueDegree());
}
""")

md("pom-md", """
## `%%loadFromPOM`: dependencies as a POM writes them

A cell that starts with `%%loadFromPOM` takes `<dependency>` elements (bare, in `<dependencies>`, or a whole POM,
with its `<repositories>`): paste them from a project's build file or a library's README. Commons Text needs Commons
Lang, and the resolver brings it too (two jars).
""")

code("pom", """
%%loadFromPOM
<dependency>
  <groupId>org.apache.commons</groupId>
  <artifactId>commons-text</artifactId>
  <version>1.12.0</version>
</dependency>
""")

code("pom-use", """
pool.map(f -> org.apache.commons.text.WordUtils.capitalizeFully(f.topic()) + ": degree " + f.degree(), fits)
""")

md("bad-md", """
## When something is wrong

A version that does not exist, a repository that cannot be reached, a corrupt download, malformed coordinates: one
line says what and where the resolver looked, nothing is added, and the notebook goes on.
""")

code("missing", "%maven org.apache.commons:commons-math3:9.9.9", raises=True)

code("after", "%maven --list")

code("close", "pool.close();")

nb = new_notebook(cells=cells, metadata={
    "kernelspec": {"display_name": "Java (jpool)", "language": "java", "name": "jpool"},
    "language_info": {"name": "java"},
})
nbformat.write(nb, str(OUT))
print(f"wrote {OUT}")
