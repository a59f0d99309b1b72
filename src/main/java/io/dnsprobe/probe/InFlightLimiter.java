package io.dnsprobe.probe;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Caps the tasks in flight (queries across every probe, the operator's probe rounds). Waiting tasks
 * queue instead of blocking a thread, so a burst of names costs memory, never threads.
 */
public final class InFlightLimiter {
    private final int max;
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    private int inFlight;

    public InFlightLimiter(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1");
        }
        this.max = max;
    }

    public <T> CompletionStage<T> submit(Supplier<? extends CompletionStage<T>> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Runnable run = () -> {
            CompletionStage<T> stage;
            try {
                stage = task.get();
            } catch (RuntimeException e) {
                stage = CompletableFuture.failedFuture(e);
            }
            stage.whenComplete((value, error) -> {
                release();
                if (error != null) {
                    result.completeExceptionally(error);
                } else {
                    result.complete(value);
                }
            });
        };
        boolean runNow;
        synchronized (this) {
            runNow = inFlight < max;
            if (runNow) {
                inFlight++;
            } else {
                waiting.add(run);
            }
        }
        if (runNow) {
            run.run();
        }
        return result;
    }

    private void release() {
        Runnable next;
        synchronized (this) {
            next = waiting.poll();
            if (next == null) {
                inFlight--;
            }
        }
        if (next != null) {
            next.run();
        }
    }
}
