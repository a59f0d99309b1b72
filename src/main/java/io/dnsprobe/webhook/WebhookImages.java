package io.dnsprobe.webhook;

import io.dnsprobe.image.ImageInspection;
import io.dnsprobe.image.ImageInspector;
import io.dnsprobe.image.ImageRef;
import io.dnsprobe.image.Platform;
import io.dnsprobe.server.DnsprobeConfig;
import io.dnsprobe.server.ImageService;
import io.dnsprobe.workload.Workload;
import io.dnsprobe.workload.WorkloadChecker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Images for reviews: what the cache knows at once; otherwise the read starts (or joins one running)
 * and the review waits at most {@code dnsprobe.image.admission-wait} (200 ms, a tenth of the budget)
 * for it. Past that the review takes what is known then (an answer from cached lower layers, if any)
 * and the name heuristic for the rest; the read finishes in the background for the next review.
 */
@ApplicationScoped
public class WebhookImages implements WorkloadChecker.Images {
    @Inject
    ImageService service;

    @Inject
    DnsprobeConfig config;

    @Override
    public CompletionStage<Optional<ImageInspection>> inspect(
            String namespace, Workload workload, Workload.Container container) {
        if (!service.enabled()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        ImageRef ref = ImageRef.parse(container.image());
        Platform platform = service.platformFor(workload.pull());
        Optional<ImageInspection> known = service.peek(ref, platform);
        if (known.isPresent() && known.get().basis() != ImageInspection.Basis.LOWER_LAYERS) {
            return CompletableFuture.completedFuture(known);
        }
        CompletableFuture<Optional<ImageInspection>> answer = new CompletableFuture<>();
        service.inspect(ref, platform, namespace, workload.pull(), ImageInspector.Priority.INTERACTIVE)
                .whenComplete((r, e) -> answer.complete(Optional.ofNullable(r)));
        long waitNanos = config.image().admissionWait().toNanos();
        CompletableFuture.delayedExecutor(waitNanos, TimeUnit.NANOSECONDS)
                .execute(() -> answer.complete(service.peek(ref, platform)));
        return answer;
    }
}
