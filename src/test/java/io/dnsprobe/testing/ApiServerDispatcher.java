package io.dnsprobe.testing;

import static io.fabric8.kubernetes.client.server.mock.crud.KubernetesCrudDispatcherHandler.isStatusPath;
import static io.fabric8.kubernetes.client.server.mock.crud.KubernetesCrudDispatcherHandler.setStatus;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.crud.KubernetesCrudDispatcherException;
import io.fabric8.kubernetes.client.server.mock.crud.KubernetesCrudDispatcherHandler;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.lang.reflect.Field;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * fabric8's CRUD dispatcher, storing what a kube-apiserver stores after a PATCH. By Content-Type:
 *
 * <ul>
 *   <li>{@code application/merge-patch+json}: RFC 7386 ({@link ApiServerPatches#mergePatch}); fabric8 would
 *       append arrays and keep keys set to null;</li>
 *   <li>{@code application/json-patch+json}: RFC 6902 ({@link ApiServerPatches#jsonPatch}), 422 when an
 *       operation does not apply; fabric8 would create missing parents first;</li>
 *   <li>{@code application/strategic-merge-patch+json}: 415. That is what kube-apiserver answers for custom
 *       resources; for built-in kinds it would apply it, and so would not fabric8's mock (415 too): kept,
 *       nothing here sends one (fabric8's {@code edit()} sends JSON patches);</li>
 *   <li>{@code application/apply-patch+yaml} (server-side apply): 415, as fabric8's mock answers; a real
 *       API server applies it with field ownership, which this mock does not model (the operator runs with
 *       {@code quarkus.operator-sdk.enable-ssa=false});</li>
 *   <li>anything else, or none: 415, as kube-apiserver answers (fabric8 would take it for a JSON patch).</li>
 * </ul>
 *
 * The rest is fabric8's, as its PatchHandler does it: a patch of {@code .../status} changes only
 * {@code .status}; a patch of the resource keeps {@code .status} when the CRD declares the status
 * subresource; {@code metadata.generation} grows when anything but metadata and status changed;
 * {@code metadata.resourceVersion} changes on every write that changes the object (a no-op write keeps it,
 * as on a real API server); a stale resourceVersion in the patch is answered 409.
 *
 * <p>It also answers {@code GET /version} as an API server does: fabric8's CRUD dispatcher answers it with a
 * list of every object it holds (5,000 DnsProbes with their statuses are 21 MB), and the operator asks every
 * 5 s (ApiServerCheck).
 */
public class ApiServerDispatcher extends KubernetesCrudDispatcher {
    static final String MERGE = "application/merge-patch+json";
    static final String JSON_PATCH = "application/json-patch+json";
    /** kube-apiserver's words for a patch type a custom resource does not take. */
    private static final String UNSUPPORTED = "the body of the request was in an unknown format - accepted media types "
            + "include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml";

    public ApiServerDispatcher() {
        super(List.of());
        // fabric8 runs its patch handler under the store's write lock (which is private): the handler is
        // replaced, not wrapped, so patches stay atomic with every other read and write of the store.
        try {
            Field handler = KubernetesCrudDispatcher.class.getDeclaredField("patchHandler");
            handler.setAccessible(true);
            handler.set(this, new Patches());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("fabric8's KubernetesCrudDispatcher has no patchHandler any more", e);
        }
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        if ("GET".equals(request.getMethod()) && "/version".equals(request.getPath())) {
            return new MockResponse()
                    .setResponseCode(200)
                    .setHeader("Content-Type", "application/json")
                    .setBody("{\"major\":\"1\",\"minor\":\"31\",\"gitVersion\":\"v1.31.0-mock\"}");
        }
        return super.dispatch(request);
    }

    private final class Patches implements KubernetesCrudDispatcherHandler {
        @Override
        public MockResponse handle(String path, String contentType, String body)
                throws KubernetesCrudDispatcherException {
            String resourcePath = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
            String type = contentType == null
                    ? ""
                    : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            if (!type.equals(MERGE) && !type.equals(JSON_PATCH)) {
                throw new KubernetesCrudDispatcherException(
                        type.equals("application/apply-patch+yaml")
                                ? "server-side apply is not implemented by the tests' mock API server"
                                : UNSUPPORTED,
                        415);
            }
            AttributeSet query = getKey(path);
            Map.Entry<AttributeSet, String> entry = findResource(query);
            if (entry == null) {
                return new MockResponse().setResponseCode(404);
            }
            JsonNode current = asNode(entry);
            JsonNode patched = patched(current, type, body);
            if (patched == null
                    || !patched.isObject()
                    || !patched.path(METADATA).isObject()) {
                throw new KubernetesCrudDispatcherException("the patched object is not an object with metadata", 422);
            }
            validatePath(query, patched);
            validateResourceVersion(current, patched);
            boolean statusPath = isStatusPath(resourcePath);
            JsonNode updated;
            if (statusPath) {
                updated = current.deepCopy();
                setStatus(updated, patched.get(STATUS));
            } else {
                updated = patched;
                if (isStatusSubresourceEnabledForResource(path)) {
                    setStatus(updated, current.get(STATUS));
                }
            }
            preserveMetadata(current, updated);
            if (!statusPath) {
                touchGeneration(current, updated);
            }
            touchResourceVersion(current, updated);
            String stored = Serialization.asJson(updated);
            GenericKubernetesResource resource = validateRequestBody(stored);
            if (resource.isMarkedForDeletion() && resource.getFinalizers().isEmpty()) {
                stored = null; // the last finalizer is gone: deleted, as fabric8 does it
                resource = null;
            }
            processEvent(path, query, entry.getKey(), resource, stored);
            return new MockResponse().setResponseCode(200).setBody(stored == null ? "" : stored);
        }

        private JsonNode patched(JsonNode current, String type, String body) throws KubernetesCrudDispatcherException {
            try {
                JsonNode patch = ApiServerPatches.parse(body);
                return type.equals(MERGE)
                        ? ApiServerPatches.mergePatch(current, patch)
                        : ApiServerPatches.jsonPatch(current, patch);
            } catch (ApiServerPatches.Rejected r) {
                throw new KubernetesCrudDispatcherException(r.getMessage(), r.code());
            }
        }
    }
}
