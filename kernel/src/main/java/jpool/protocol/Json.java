package jpool.protocol;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

/** The one Gson instance for message content (nulls kept: the protocol uses explicit nulls). */
public final class Json {
    public static final Gson GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();

    private Json() {
    }
}
