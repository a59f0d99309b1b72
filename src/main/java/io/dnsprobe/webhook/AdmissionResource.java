package io.dnsprobe.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code POST /validate}: the validating admission webhook. Any parseable AdmissionReview gets 200 and
 * a well-formed response echoing its uid; a body that is not one gets 400 saying why. Runs on the event
 * loop: the review waits for verdicts without holding a thread.
 */
@Path("/validate")
public class AdmissionResource {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    AdmissionReviewer reviewer;

    @POST
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    @Produces(MediaType.APPLICATION_JSON)
    public CompletionStage<Response> validate(byte[] body) {
        JsonNode review;
        try {
            review = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return badRequest("body is not JSON: " + e.getOriginalMessage() + " at line "
                    + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()));
        } catch (IOException e) {
            return badRequest("body could not be read: " + e.getMessage());
        }
        if (review == null || !review.isObject()) {
            return badRequest("body is not a JSON object");
        }
        if (!"admission.k8s.io/v1".equals(review.path("apiVersion").asText())
                || !"AdmissionReview".equals(review.path("kind").asText())) {
            return badRequest("expected apiVersion admission.k8s.io/v1, kind AdmissionReview; got "
                    + review.path("apiVersion").asText("none") + ", "
                    + review.path("kind").asText("none"));
        }
        JsonNode request = review.path("request");
        if (!request.hasNonNull("uid") || request.path("uid").asText().isEmpty()) {
            return badRequest("request.uid is missing");
        }
        return reviewer.review(request).thenApply(d -> Response.ok(d.toReview()).build());
    }

    private static CompletionStage<Response> badRequest(String message) {
        return CompletableFuture.completedFuture(Response.status(Response.Status.BAD_REQUEST)
                .type(MediaType.APPLICATION_JSON)
                .entity(Map.of("message", message))
                .build());
    }
}
