/**
 * Where output goes (the running cell, a late-output display) and rich display: {@code Display}, {@code MimeBundle},
 * {@code Rich}.
 */
@CellImports({"Display", "DisplayHandle", "MimeBundle", "Rich"})
package jpool.display;

import jpool.api.CellImports;
