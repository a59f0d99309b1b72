package io.dnsprobe.server;

import io.dnsprobe.image.ImageInspection;
import io.dnsprobe.image.ImageInspector;
import io.dnsprobe.image.ImageRef;
import io.dnsprobe.image.Platform;
import io.dnsprobe.image.RegistryAuths;
import io.dnsprobe.image.RegistryClient;
import io.dnsprobe.image.TrustedCertificates;
import io.dnsprobe.image.UnreachableRegistries;
import io.dnsprobe.workload.Workload;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The server's one image inspector, shared by the webhook (reviews wait on it for a moment) and the
 * cache warming from running Pods: one set of caches, one bound on registry work. Credentials are the
 * operator's own pull secrets, plus, when opted in, the workload's and its service account's.
 */
@ApplicationScoped
public class ImageService {
    private static final Logger LOG = Logger.getLogger(ImageService.class);

    @Inject
    DnsprobeConfig config;

    @Inject
    KubernetesClient client;

    @Inject
    MeterRegistry registry;

    private ImageInspector inspector;
    private Platform platform;
    private PullSecrets secrets;
    /** Secret reads are API calls: never on the event loop that serves reviews. */
    private final ExecutorService lookups = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "dnsprobe-pull-secrets");
        t.setDaemon(true);
        return t;
    });

    @PostConstruct
    void init() {
        DnsprobeConfig.Image c = config.image();
        platform = Platform.parse(c.platform());
        RegistryClient.Builder rc = RegistryClient.builder()
                .insecure(Set.copyOf(c.insecureRegistries().orElse(List.of())))
                .userAgent("dnsprobe-operator")
                // A registry that cannot be reached is asked again after failure-ttl, as a failed image is.
                .unreachable(UnreachableRegistries.forAWhile(c.failureTtl()));
        try {
            rc.sslContext(TrustedCertificates.withExtraCas(
                    c.caFiles().orElse(List.of()).stream().map(Path::of).toList()));
        } catch (IOException e) {
            LOG.errorf("dnsprobe.image.ca-files: %s; registries are trusted by the JDK's CAs only", e.getMessage());
        }
        inspector = ImageInspector.builder(rc.build())
                .platform(platform)
                .timeout(c.timeout())
                .maxBytes(c.maxBytes())
                .maxLayers(c.maxLayers())
                .concurrency(c.concurrency())
                .tagTtl(c.tagTtl())
                .resultTtl(c.resultTtl())
                .failureTtl(c.failureTtl())
                .maxImages(c.maxImages())
                .layerCache(c.maxImages() * 4, c.layerCacheBytes())
                .listener(new ImageMetrics(registry))
                .build();
        ImageMetrics.gauges(registry, inspector);
        String own = client.getNamespace() != null ? client.getNamespace() : "default";
        secrets = new PullSecrets(client, own, c.pullSecrets().orElse(List.of()), c.workloadPullSecrets());
    }

    public boolean enabled() {
        return config.image().enabled();
    }

    /** The pod's pinned architecture, else the configured platform. */
    public Platform platformFor(Workload.Pull pull) {
        String pinned = pull.platform();
        if (pinned != null) {
            try {
                return Platform.parse(pinned);
            } catch (IllegalArgumentException e) {
                // A selector value no node has: the default is as good a guess as any.
            }
        }
        return platform;
    }

    public Platform defaultPlatform() {
        return platform;
    }

    /** What is known without asking a registry. */
    public Optional<ImageInspection> peek(ImageRef ref, Platform p) {
        return inspector.peek(ref, p);
    }

    /** Reads the image (or answers from the cache), with the credentials this workload may use. */
    public CompletableFuture<ImageInspection> inspect(
            ImageRef ref, Platform p, String namespace, Workload.Pull pull, ImageInspector.Priority priority) {
        Optional<ImageInspection> known = inspector.peek(ref, p);
        if (known.isPresent() && known.get().basis() == ImageInspection.Basis.COMPLETE) {
            return CompletableFuture.completedFuture(known.get());
        }
        return CompletableFuture.supplyAsync(() -> secrets.forWorkload(namespace, pull), lookups)
                .thenCompose(auths -> inspector.inspect(ref, p, auths, priority));
    }

    private final List<Consumer<String>> repushed = new CopyOnWriteArrayList<>();

    public void learnDigest(ImageRef tagged, String digest, Platform p) {
        if (inspector.learnDigest(tagged, digest, p)) {
            repushed.forEach(l -> l.accept(tagged.toString()));
        }
    }

    /** Calls {@code listener} with an image (as its tag reads) when running Pods show it now stands for another digest. */
    public void onRepushed(Consumer<String> listener) {
        repushed.add(listener);
    }

    ImageInspector inspector() {
        return inspector;
    }

    /** For callers that only need the operator's own credentials. */
    public RegistryAuths operatorAuths() {
        return secrets.forWorkload(null, Workload.Pull.NONE);
    }

    @PreDestroy
    void stop() {
        if (inspector != null) {
            inspector.close();
        }
        lookups.shutdownNow();
    }
}
