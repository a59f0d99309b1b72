package io.dnsprobe.webhook;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dnsprobe.workload.Finding;
import io.dnsprobe.workload.UnknownVersionPolicy;
import io.dnsprobe.workload.WarningComposer;
import io.dnsprobe.workload.WorkloadChecker;
import java.util.List;

/**
 * The reply to one AdmissionReview: always allowed with warnings, unless enforcement is on and a
 * container of known musl version FAILS. Never denied for an unknown version ({@link UnknownVersionPolicy}, shared
 * with {@code dnsprobe check}) or an internal error.
 */
public record AdmissionDecision(String uid, Outcome outcome, List<String> warnings, String denial) {

    /** How a review ended, for metrics and logs: the reply itself only says allowed or not. */
    public enum Outcome {
        /** Not a checked operation or kind. */
        SKIPPED,
        /** Checked, nothing to say. */
        CLEAN,
        WARNED,
        DENIED,
        /** The check itself failed; allowed with one warning saying so. */
        FAILED_OPEN
    }

    public AdmissionDecision {
        warnings = List.copyOf(warnings);
    }

    public static AdmissionDecision skip(String uid) {
        return new AdmissionDecision(uid, Outcome.SKIPPED, List.of(), null);
    }

    public static AdmissionDecision failedOpen(String uid, String warning) {
        return new AdmissionDecision(uid, Outcome.FAILED_OPEN, List.of(warning), null);
    }

    public boolean allowed() {
        return outcome != Outcome.DENIED;
    }

    public static AdmissionDecision of(String uid, WorkloadChecker.Result result, boolean enforce) {
        List<String> warnings = WarningComposer.compose(result.findings());
        List<Finding> denying = result.findings().stream()
                .filter(UnknownVersionPolicy::failsGate)
                .toList();
        if (enforce && !denying.isEmpty()) {
            Finding first = denying.get(0);
            String message = "dnsprobe: " + first.warning()
                    + (denying.size() > 1 ? " (and " + (denying.size() - 1) + " more)" : "")
                    + "; this namespace enforces musl DNS compatibility (label dnsprobe.io/enforce=true)";
            return new AdmissionDecision(uid, Outcome.DENIED, warnings, message);
        }
        return new AdmissionDecision(uid, warnings.isEmpty() ? Outcome.CLEAN : Outcome.WARNED, warnings, null);
    }

    public ObjectNode toReview() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode review =
                f.objectNode().put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
        ObjectNode response = review.putObject("response").put("uid", uid).put("allowed", allowed());
        if (!warnings.isEmpty()) {
            warnings.forEach(response.putArray("warnings")::add);
        }
        if (denial != null) {
            response.putObject("status")
                    .put("code", 403)
                    .put("reason", "Forbidden")
                    .put("message", denial);
        }
        return review;
    }
}
