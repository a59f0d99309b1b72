package io.dnsprobe.webhook;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The reply to one AdmissionReview: always allowed with warnings, unless enforcement is on and a
 * container of known musl version FAILS. Never denied for an unknown version or an internal error.
 */
public record AdmissionDecision(String uid, boolean allowed, List<String> warnings, String denial) {

    public static AdmissionDecision allow(String uid, List<String> warnings) {
        return new AdmissionDecision(uid, true, warnings, null);
    }

    public static AdmissionDecision of(String uid, WorkloadChecker.Result result, boolean enforce) {
        List<String> warnings = WarningComposer.compose(result.findings());
        List<Finding> denying = result.findings().stream().filter(f -> f.fails() && f.versionKnown()).toList();
        if (enforce && !denying.isEmpty()) {
            Finding first = denying.get(0);
            String message = "dnsprobe: " + first.warning() + (denying.size() > 1 ? " (and " + (denying.size() - 1)
                    + " more)" : "") + "; this namespace enforces musl DNS compatibility (label dnsprobe.io/enforce=true)";
            return new AdmissionDecision(uid, false, warnings, message);
        }
        return allow(uid, warnings);
    }

    public ObjectNode toReview() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode review = f.objectNode().put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
        ObjectNode response = review.putObject("response").put("uid", uid).put("allowed", allowed);
        if (!warnings.isEmpty()) {
            warnings.forEach(response.putArray("warnings")::add);
        }
        if (denial != null) {
            response.putObject("status").put("code", 403).put("reason", "Forbidden").put("message", denial);
        }
        return review;
    }
}
