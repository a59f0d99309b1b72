package io.dnsprobe.server;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** The operator's background timers: one daemon thread each, named for thread dumps. */
public final class Schedulers {
    private Schedulers() {}

    public static ScheduledExecutorService daemon(String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }
}
