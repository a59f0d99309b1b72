package io.dnsprobe.audit;

import io.dnsprobe.image.ImageInspection;
import io.dnsprobe.image.ImageInspector;
import io.dnsprobe.image.ImageRef;
import io.dnsprobe.image.Platform;
import io.dnsprobe.server.ImageService;
import io.dnsprobe.workload.Workload;
import io.dnsprobe.workload.WorkloadChecker;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Images for the audit: nobody waits on it, so an image is read to the end (the inspector bounds each
 * read by bytes and time) at background priority, behind the webhook's reviews. Digests learned from
 * running Pods ({@code imageID}) pin a tag to what actually runs. An image that cannot be read is judged
 * by its name, as everywhere else.
 */
final class AuditImages implements WorkloadChecker.Images {
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(AuditImages.class);
    private final ImageService service;

    AuditImages(ImageService service) {
        this.service = service;
    }

    @Override
    public CompletionStage<Optional<ImageInspection>> inspect(
            String namespace, Workload workload, Workload.Container container) {
        if (!service.enabled()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        ImageRef ref = ImageRef.parse(container.image());
        Platform platform = service.platformFor(workload.pull());
        return service.inspect(ref, platform, namespace, workload.pull(), ImageInspector.Priority.BACKGROUND)
                .handle((r, e) -> {
                    if (e != null) {
                        LOG.debugf("image %s not read: %s", container.image(), e.getMessage());
                    }
                    return Optional.ofNullable(r);
                });
    }
}
