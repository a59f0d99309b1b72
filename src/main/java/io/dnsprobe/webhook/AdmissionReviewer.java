package io.dnsprobe.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.dnsprobe.image.LibcDetector;
import io.dnsprobe.operator.OperatorConfig;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jboss.logging.Logger;

/** Turns a parsed AdmissionReview into a decision. Fails open: its own errors allow with one warning. */
@ApplicationScoped
public class AdmissionReviewer {
    private static final Logger LOG = Logger.getLogger(AdmissionReviewer.class);
    private static final Set<String> CHECKED = Set.of("CREATE", "UPDATE");

    @Inject
    OperatorConfig config;

    @Inject
    ClusterState cluster;

    @Inject
    InlineVerdicts verdicts;

    private LibcDetector detector;

    @PostConstruct
    void init() {
        detector = new LibcDetector(config.webhook().imageRules());
    }

    /** Never completes exceptionally, and never later than the budget. */
    public CompletionStage<AdmissionDecision> review(JsonNode request) {
        String uid = request.path("uid").asText();
        try {
            if (!CHECKED.contains(request.path("operation").asText())) {
                return CompletableFuture.completedFuture(AdmissionDecision.allow(uid, List.of()));
            }
            Optional<Workload> workload = WorkloadParser.parse(request.path("object"));
            if (workload.isEmpty()) {
                return CompletableFuture.completedFuture(AdmissionDecision.allow(uid, List.of()));
            }
            String namespace = request.path("namespace").asText(workload.get().namespace());
            boolean enforce = config.webhook().enforce() || cluster.enforced(namespace);
            return WorkloadChecker.checkAsync(workload.get(), namespace, detector, cluster, verdicts, config.webhook().budget())
                    .thenApply(result -> AdmissionDecision.of(uid, result, enforce))
                    .exceptionally(e -> failOpen(uid, e));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(failOpen(uid, e));
        }
    }

    private static AdmissionDecision failOpen(String uid, Throwable e) {
        LOG.warnf(e, "review %s failed; allowing it", uid);
        return AdmissionDecision.allow(uid, List.of("dnsprobe could not check DNS names for musl images: " + e));
    }
}
