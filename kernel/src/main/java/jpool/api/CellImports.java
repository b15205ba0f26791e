package jpool.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares, on a package, which of its public types are user API: every notebook cell imports them. A package's
 * other public types are internals (public only because another jpool package uses them). The kernel builds the
 * cells' imports from the packages it lists as API packages.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PACKAGE)
public @interface CellImports {
    /** Simple names of the package's API types. */
    String[] value();
}
