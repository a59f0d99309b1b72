package io.dnsprobe.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.dnsprobe.image.LibcDetector;
import io.dnsprobe.server.ClusterState;
import io.dnsprobe.server.DnsprobeConfig;
import io.dnsprobe.workload.NameExtractor;
import io.dnsprobe.workload.Workload;
import io.dnsprobe.workload.WorkloadChecker;
import io.dnsprobe.workload.WorkloadParser;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * Turns a parsed AdmissionReview into a decision. Fails open: its own errors allow with one warning.
 * Counts every review by outcome ({@code dnsprobe_webhook_reviews_total}) and the names that had no
 * verdict within the budget ({@code dnsprobe_webhook_names_unknown_total}): a rising count of either
 * is what a platform team alerts on, since a failed-open review looks like a clean one to kubectl.
 */
@ApplicationScoped
public class AdmissionReviewer {
    private static final Logger LOG = Logger.getLogger(AdmissionReviewer.class);
    private static final Set<String> CHECKED = Set.of("CREATE", "UPDATE");

    @Inject
    DnsprobeConfig config;

    @Inject
    ClusterState cluster;

    @Inject
    InlineVerdicts verdicts;

    @Inject
    MeterRegistry registry;

    @Inject
    WebhookImages images;

    private LibcDetector detector;
    private final Map<AdmissionDecision.Outcome, Counter> outcomes = new EnumMap<>(AdmissionDecision.Outcome.class);
    private Counter unknownNames;

    @PostConstruct
    void init() {
        detector = new LibcDetector(config.webhook().imageRules());
        for (AdmissionDecision.Outcome o : AdmissionDecision.Outcome.values()) {
            outcomes.put(
                    o,
                    Counter.builder("dnsprobe.webhook.reviews")
                            .description("Admission reviews by outcome")
                            .tag("outcome", o.name().toLowerCase())
                            .register(registry));
        }
        unknownNames = Counter.builder("dnsprobe.webhook.names.unknown")
                .description("Names that had no verdict within the review budget, so got no warning")
                .register(registry);
    }

    /** Never completes exceptionally, and never later than the budget. */
    public CompletionStage<AdmissionDecision> review(JsonNode request) {
        Predicate<String> enforced = ns -> config.webhook().enforce() || cluster.enforced(ns);
        return review(
                        request,
                        detector,
                        images,
                        cluster,
                        verdicts,
                        enforced,
                        config.webhook().budget(),
                        config.webhook().maxNames(),
                        n -> unknownNames.increment(n))
                .thenApply(d -> {
                    outcomes.get(d.outcome()).increment();
                    return d;
                });
    }

    /** Unknown-name counts go to {@code unknown}; the rest is the decision. Never completes exceptionally. */
    static CompletionStage<AdmissionDecision> review(
            JsonNode request,
            LibcDetector detector,
            WorkloadChecker.Images images,
            NameExtractor.ConfigMaps configMaps,
            WorkloadChecker.Verdicts verdicts,
            Predicate<String> enforced,
            Duration budget,
            int maxNames,
            java.util.function.DoubleConsumer unknown) {
        String uid = request.path("uid").asText();
        try {
            if (!CHECKED.contains(request.path("operation").asText())) {
                return CompletableFuture.completedFuture(AdmissionDecision.skip(uid));
            }
            if (madeByAController(request.path("object"))) {
                // The webhook configuration's matchConditions skip these already; API servers without
                // matchConditions (before 1.28) still send them.
                return CompletableFuture.completedFuture(AdmissionDecision.skip(uid));
            }
            Optional<Workload> workload = WorkloadParser.parse(request.path("object"));
            if (workload.isEmpty()) {
                return CompletableFuture.completedFuture(AdmissionDecision.skip(uid));
            }
            String namespace = request.path("namespace").asText(workload.get().namespace());
            boolean enforce = enforced.test(namespace);
            return WorkloadChecker.checkAsync(
                            workload.get(), namespace, detector, images, configMaps, verdicts, budget, maxNames)
                    .thenApply(result -> {
                        unknown.accept(result.unknown().size());
                        return AdmissionDecision.of(uid, result, enforce);
                    })
                    .exceptionally(e -> failOpen(uid, e));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(failOpen(uid, e));
        }
    }

    /** Pods of a ReplicaSet, ReplicaSets of a Deployment, Jobs of a CronJob: their template was checked. */
    static boolean madeByAController(JsonNode object) {
        for (JsonNode owner : object.path("metadata").path("ownerReferences")) {
            if (owner.path("controller").asBoolean(false)) {
                return true;
            }
        }
        return false;
    }

    private static AdmissionDecision failOpen(String uid, Throwable e) {
        LOG.warnf(e, "review %s failed; allowing it", uid);
        Throwable cause =
                e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        String why = cause.getMessage() != null && !cause.getMessage().isBlank()
                ? cause.getMessage()
                : cause.getClass().getSimpleName();
        if (why.length() > 160) {
            why = why.substring(0, 157) + "...";
        }
        return AdmissionDecision.failedOpen(
                uid,
                "dnsprobe could not check DNS names for musl images (" + why + "); allowed, see the dnsprobe logs");
    }
}
