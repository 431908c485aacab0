package io.runnel.storage.testkit;

/**
 * Seeds for randomized tests: a fixed default per test, overridable with {@code -Drunnel.seed=N}
 * to reproduce a failure; every test prints the seed it used.
 */
public final class Seeds {
    private Seeds() {}

    /** The seed to use: {@code -Drunnel.seed} if set, else a fresh one. Printed to stdout. */
    public static long seed(String test) {
        String override = System.getProperty("runnel.seed");
        long seed = override != null ? Long.parseLong(override) : System.nanoTime() ^ Thread.currentThread().getId();
        System.out.println(test + " seed=" + seed + " (reproduce with -Drunnel.seed=" + seed + ")");
        return seed;
    }
}
