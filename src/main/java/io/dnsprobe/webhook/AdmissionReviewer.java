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

    public AdmissionDecision review(JsonNode request) {
        String uid = request.path("uid").asText();
        try {
            if (!CHECKED.contains(request.path("operation").asText())) {
                return AdmissionDecision.allow(uid, List.of());
            }
            Optional<Workload> workload = WorkloadParser.parse(request.path("object"));
            if (workload.isEmpty()) {
                return AdmissionDecision.allow(uid, List.of());
            }
            String namespace = request.path("namespace").asText(workload.get().namespace());
            WorkloadChecker.Result result = WorkloadChecker.check(workload.get(), namespace, detector, cluster, verdicts,
                    config.webhook().budget());
            return AdmissionDecision.of(uid, result, config.webhook().enforce() || cluster.enforced(namespace));
        } catch (RuntimeException e) {
            LOG.warnf(e, "review %s failed; allowing it", uid);
            return AdmissionDecision.allow(uid, List.of("dnsprobe could not check DNS names for musl images: " + e));
        }
    }
}
