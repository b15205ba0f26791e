package jpool.display;

import java.util.Map;

/** Implement this on your own classes to control how a value renders: return MIME type → content. */
public interface Rich {
    /** The representations of this value, e.g. {@code Map.of("text/plain", "...", "text/html", "...")}. */
    Map<String, Object> mimeBundle();
}
