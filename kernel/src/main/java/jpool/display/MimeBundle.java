package jpool.display;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Content in one or more MIME types; the frontend picks the richest it can show. A cell whose last expression is a
 * MimeBundle renders it. Example: {@code Display.html("<b>hi</b>")}.
 */
public final class MimeBundle implements Rich, Serializable {
    private final Map<String, Object> data = new LinkedHashMap<>();

    /** A bundle with a plain-text form (every bundle should have one for consoles). */
    public MimeBundle(String plainText) {
        data.put("text/plain", plainText);
    }

    /** Adds a representation, e.g. {@code with("text/html", "<b>x</b>")}; returns this bundle. */
    public MimeBundle with(String mimeType, Object content) {
        if (mimeType == null || !mimeType.contains("/"))
            throw new IllegalArgumentException("not a MIME type: '" + mimeType + "' (expected e.g. text/html)");
        data.put(mimeType, content);
        return this;
    }

    @Override
    public Map<String, Object> mimeBundle() {
        return Collections.unmodifiableMap(data);
    }

    @Override
    public String toString() {
        return String.valueOf(data.get("text/plain"));
    }
}
