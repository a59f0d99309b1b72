package io.dnsprobe.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fabric8 mock API server (CRUD) with what the operator's availability tests need on top:
 *
 * <ul>
 *   <li>it stores what a kube-apiserver stores after a PATCH ({@link ApiServerDispatcher}: merge patches
 *       replace arrays and delete nulls, JSON patches follow RFC 6902), and answers {@code /version};</li>
 *   <li>it answers the SelfSubjectRulesReview JOSDK sends before leader election (the CRUD dispatcher would
 *       echo it back without rules, which JOSDK reads as "no permission"): leases get/create/update;</li>
 *   <li>it records every request with the client's User-Agent, and every successful status write of a
 *       DnsProbe with the round it carries (observedGeneration, lastProbeTime);</li>
 *   <li>it can answer the next status PATCHes with given error codes (409, 429, 503...);</li>
 *   <li>it can be stopped and started again on the same port, keeping its objects: an API server outage.</li>
 * </ul>
 *
 * Listens on 127.0.0.1 only, plain HTTP.
 */
public final class MockApiServer implements AutoCloseable {
    public static final String CRD = "crds/dnsprobes.dnsprobe.io-v1.yml";
    public static final String REPORT_CRD = "crds/dnsreports.dnsprobe.io-v1.yml";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Held: JUL keeps loggers weakly, and a collected logger forgets its level. */
    private static final java.util.logging.Logger QUIET =
            java.util.logging.Logger.getLogger("io.fabric8.mockwebserver.MockWebServer");

    private static final Pattern STATUS =
            Pattern.compile("/apis/dnsprobe\\.io/v1alpha1/namespaces/([^/]+)/dnsprobes/([^/?]+)/status(\\?.*)?");
    private static final Pattern EVENTS = Pattern.compile("/api/v1/namespaces/([^/]+)/events(\\?.*)?");
    private static final Pattern LEASES =
            Pattern.compile("/apis/coordination\\.k8s\\.io/v1/namespaces/([^/]+)/leases(/[^/?]+)?(\\?.*)?");
    private static final String RULES_REVIEW = "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews";

    /** One request as the server saw it. */
    public record Request(Instant at, String method, String path, String userAgent, int code) {}

    /** A status write that the server accepted. */
    public record StatusWrite(
            Instant at,
            String userAgent,
            String namespace,
            String name,
            Long observedGeneration,
            String lastProbeTime) {
        public String probe() {
            return namespace + "/" + name;
        }
    }

    /** An Event the server accepted. */
    public record EventPost(
            Instant at, String userAgent, String namespace, String object, String reason, String message) {}

    /** A Lease as a successful create or update left it (times as the Lease spells them, microseconds). */
    public record LeaseWrite(
            Instant at,
            String userAgent,
            String holder,
            Instant acquireTime,
            Instant renewTime,
            Integer durationSeconds,
            Integer transitions) {}

    private final int port;
    private final FaultDispatcher dispatcher = new FaultDispatcher();
    private KubernetesMockServer server;

    private MockApiServer(int port) {
        this.port = port;
    }

    /** Starts on a free loopback port. */
    public static MockApiServer start() {
        // MockWebServer logs every request at INFO; requests() and describeRequests() have them.
        QUIET.setLevel(java.util.logging.Level.WARNING);
        MockApiServer s = new MockApiServer(Ports.freeTcpPort());
        s.startServer();
        return s;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** The API server goes away: the port is closed, open connections (watches) are cut. Objects are kept. */
    public synchronized void stop() {
        if (server != null) {
            server.destroy();
            server = null;
        }
    }

    /** Back on the same port with the same objects. */
    public synchronized void restart() {
        if (server == null) {
            startServer();
        }
    }

    public synchronized boolean running() {
        return server != null;
    }

    private synchronized void startServer() {
        KubernetesMockServer s =
                new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        try {
            s.init(InetAddress.getByName("127.0.0.1"), port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server = s;
    }

    /** A client of this server that introduces itself with {@code userAgent} (how requests are told apart). */
    public KubernetesClient client(String userAgent) {
        return new KubernetesClientBuilder().withConfig(config(userAgent)).build();
    }

    public Config config(String userAgent) {
        return new ConfigBuilder(Config.empty())
                .withMasterUrl(url())
                .withNamespace("default")
                .withUserAgent(userAgent)
                .withTrustCerts(true)
                .build();
    }

    /** Creates the committed CRD, as {@code kubectl apply -k config/crd} would. */
    public void loadCrd(KubernetesClient client) {
        loadCrd(client, CRD);
    }

    /** Creates one committed CRD ({@link #CRD}, {@link #REPORT_CRD}). */
    public void loadCrd(KubernetesClient client, String file) {
        try (FileInputStream crd = new FileInputStream(file)) {
            client.apiextensions().v1().customResourceDefinitions().load(crd).create();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next status PATCHes of any DnsProbe are answered with these codes, in order, before any succeeds. */
    public void failNextStatusPatches(int... codes) {
        synchronized (dispatcher.faults) {
            for (int code : codes) {
                dispatcher.faults.add(code);
            }
        }
    }

    public int pendingFaults() {
        synchronized (dispatcher.faults) {
            return dispatcher.faults.size();
        }
    }

    /** Answers of GET requests whose path contains {@code pathPart} (not watches) are sent {@code delay} late. */
    public void delayLists(String pathPart, java.time.Duration delay) {
        dispatcher.delayPath = pathPart;
        dispatcher.delay = delay;
    }

    /** Whether the SelfSubjectRulesReview allows leases (true by default). */
    public void allowLeases(boolean allow) {
        dispatcher.allowLeases = allow;
    }

    /**
     * The verbs on leases the operator's service account has, as an RBAC Role grants them: the
     * SelfSubjectRulesReview answers with them, and Lease requests needing another verb (GET get, POST create,
     * PUT update, PATCH patch) are refused with 403, as kube-apiserver refuses them. Default: every verb.
     */
    public void leaseVerbs(java.util.Set<String> verbs) {
        dispatcher.leaseVerbs = java.util.Set.copyOf(verbs);
    }

    /** The lease verbs the committed RBAC (config/rbac/namespaced_role.yaml) grants. */
    public static java.util.Set<String> leaseVerbsOfCommittedRbac() {
        try {
            com.fasterxml.jackson.databind.ObjectMapper yaml = new com.fasterxml.jackson.databind.ObjectMapper(
                    new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
            java.util.Set<String> verbs = new java.util.TreeSet<>();
            try (var parser = yaml.getFactory().createParser(new java.io.File("config/rbac/namespaced_role.yaml"))) {
                for (JsonNode doc : yaml.readValues(parser, JsonNode.class).readAll()) {
                    for (JsonNode rule : doc.path("rules")) {
                        boolean leases = false;
                        for (JsonNode r : rule.path("resources")) {
                            leases |= r.asText().equals("leases");
                        }
                        if (leases) {
                            rule.path("verbs").forEach(v -> verbs.add(v.asText()));
                        }
                    }
                }
            }
            return verbs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<Request> requests() {
        return List.copyOf(dispatcher.requests);
    }

    public List<StatusWrite> statusWrites() {
        return List.copyOf(dispatcher.statusWrites);
    }

    public List<LeaseWrite> leaseWrites() {
        return List.copyOf(dispatcher.leaseWrites);
    }

    public List<EventPost> events() {
        return List.copyOf(dispatcher.events);
    }

    /** Status PATCH requests of one DnsProbe, failed or not. */
    public List<Request> statusPatches(String namespace, String name) {
        String path = "/apis/dnsprobe.io/v1alpha1/namespaces/" + namespace + "/dnsprobes/" + name + "/status";
        return requests().stream()
                .filter(r -> r.method().equals("PATCH") && r.path().startsWith(path))
                .toList();
    }

    @Override
    public void close() {
        stop();
    }

    private static final class FaultDispatcher extends Dispatcher {
        private final ApiServerDispatcher crud = new ApiServerDispatcher();
        private final Deque<Integer> faults = new ArrayDeque<>();
        private final List<Request> requests = new CopyOnWriteArrayList<>();
        private final List<StatusWrite> statusWrites = new CopyOnWriteArrayList<>();
        private final List<EventPost> events = new CopyOnWriteArrayList<>();
        private final List<LeaseWrite> leaseWrites = new CopyOnWriteArrayList<>();
        private volatile boolean allowLeases = true;
        private volatile java.util.Set<String> leaseVerbs =
                java.util.Set.of("get", "list", "watch", "create", "update", "patch", "delete");
        private volatile String delayPath;
        private volatile java.time.Duration delay;

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            String path = request.getPath();
            String agent = String.valueOf(request.getHeader("User-Agent"));
            Instant at = Instant.now();
            byte[] body = request.getBody() == null
                    ? new byte[0]
                    : request.getBody().getBytes(); // before the CRUD dispatcher reads it
            MockResponse response = answer(request, body, path, agent, at);
            requests.add(new Request(at, request.getMethod(), path, agent, response.code()));
            return response;
        }

        private MockResponse answer(RecordedRequest request, byte[] body, String path, String agent, Instant at) {
            if (request.getMethod().equals("POST") && path.startsWith(RULES_REVIEW)) {
                return rulesReview(body);
            }
            if (LEASES.matcher(path).matches()) {
                String verb = switch (request.getMethod()) {
                    case "GET" -> "get";
                    case "POST" -> "create";
                    case "PUT" -> "update";
                    case "PATCH" -> "patch";
                    case "DELETE" -> "delete";
                    default -> request.getMethod().toLowerCase(java.util.Locale.ROOT);
                };
                if (!leaseVerbs.contains(verb)) {
                    return json(
                            403,
                            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":"
                                    + "\"Forbidden\",\"message\":\"leases.coordination.k8s.io is forbidden: cannot "
                                    + verb
                                    + " resource leases\",\"code\":403}");
                }
            }
            Matcher status = STATUS.matcher(path);
            boolean statusPatch = request.getMethod().equals("PATCH") && status.matches();
            if (statusPatch) {
                Integer fault;
                synchronized (faults) {
                    fault = faults.poll();
                }
                if (fault != null) {
                    MockResponse r = json(
                            fault,
                            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                                    + "\"message\":\"injected " + fault + "\",\"code\":" + fault + "}");
                    if (fault == 429) {
                        r.setHeader("Retry-After", "1");
                    }
                    return r;
                }
            }
            MockResponse response = crud.dispatch(request);
            String slow = delayPath;
            if (slow != null
                    && request.getMethod().equals("GET")
                    && path.contains(slow)
                    && !path.contains("watch=true")) {
                response.setBodyDelay(delay); // sent by a timer: the server's event loop is not blocked
            }
            if (statusPatch && response.code() / 100 == 2) {
                recordStatus(response, agent, status.group(1), status.group(2), at);
            }
            Matcher event = EVENTS.matcher(path);
            if (request.getMethod().equals("POST") && event.matches() && response.code() / 100 == 2) {
                recordEvent(body, agent, event.group(1), at);
            }
            boolean leaseWrite = (request.getMethod().equals("POST")
                            || request.getMethod().equals("PATCH")
                            || request.getMethod().equals("PUT"))
                    && LEASES.matcher(path).matches();
            if (leaseWrite && response.code() / 100 == 2) {
                recordLease(response, agent, at);
            }
            return response;
        }

        private void recordLease(MockResponse response, String agent, Instant at) {
            try {
                JsonNode spec = JSON.readTree(response.getBody().getBytes()).path("spec");
                leaseWrites.add(new LeaseWrite(
                        at,
                        agent,
                        spec.path("holderIdentity").asText(null),
                        time(spec.path("acquireTime")),
                        time(spec.path("renewTime")),
                        spec.hasNonNull("leaseDurationSeconds")
                                ? spec.get("leaseDurationSeconds").asInt()
                                : null,
                        spec.hasNonNull("leaseTransitions")
                                ? spec.get("leaseTransitions").asInt()
                                : null));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static Instant time(JsonNode node) {
            return node.isTextual() ? Instant.parse(node.asText()) : null;
        }

        private void recordStatus(MockResponse response, String agent, String ns, String name, Instant at) {
            try {
                JsonNode status = JSON.readTree(response.getBody().getBytes()).path("status");
                statusWrites.add(new StatusWrite(
                        at,
                        agent,
                        ns,
                        name,
                        status.hasNonNull("observedGeneration")
                                ? status.get("observedGeneration").asLong()
                                : null,
                        status.path("lastProbeTime").asText(null)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void recordEvent(byte[] body, String agent, String ns, Instant at) {
            try {
                JsonNode e = JSON.readTree(body);
                events.add(new EventPost(
                        at,
                        agent,
                        ns,
                        e.path("involvedObject").path("name").asText(),
                        e.path("reason").asText(),
                        e.path("message").asText()));
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }

        private MockResponse rulesReview(byte[] body) {
            try {
                JsonNode review = JSON.readTree(body);
                var out = JSON.createObjectNode();
                out.put("apiVersion", "authorization.k8s.io/v1");
                out.put("kind", "SelfSubjectRulesReview");
                out.set("metadata", JSON.createObjectNode());
                out.set("spec", review.path("spec"));
                var status = out.putObject("status");
                var rules = status.putArray("resourceRules");
                if (allowLeases) {
                    var rule = rules.addObject();
                    rule.putArray("apiGroups").add("coordination.k8s.io");
                    rule.putArray("resources").add("leases");
                    var verbs = rule.putArray("verbs");
                    leaseVerbs.forEach(verbs::add);
                    rule.putArray("resourceNames");
                }
                status.putArray("nonResourceRules");
                status.put("incomplete", false);
                return json(201, JSON.writeValueAsString(out));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static MockResponse json(int code, String body) {
            return new MockResponse()
                    .setResponseCode(code)
                    .setHeader("Content-Type", "application/json")
                    .setBody(body);
        }

        @Override
        public void shutdown() {
            // Stopping the server keeps the objects: the same dispatcher serves the restarted server.
        }
    }

    /** All recorded requests, newest last, as lines (for failure messages). */
    public String describeRequests(int last) {
        List<Request> all = requests();
        List<String> lines = new ArrayList<>();
        for (Request r : all.subList(Math.max(0, all.size() - last), all.size())) {
            lines.add(r.at() + " " + r.userAgent() + " " + r.method() + " " + r.path() + " -> " + r.code());
        }
        return String.join("\n", lines);
    }
}
