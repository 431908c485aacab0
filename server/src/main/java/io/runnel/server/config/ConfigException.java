package io.runnel.server.config;

/** A configuration key or value that is wrong: the message names the key, the value and what is expected. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
