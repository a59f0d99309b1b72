package io.dnsprobe.server;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Every setting of the operator, under {@code dnsprobe.*} (environment: {@code DNSPROBE_*}). */
@ConfigMapping(prefix = "dnsprobe")
public interface DnsprobeConfig {

    /** The cluster's DNS domain, for the default search list of a namespace. */
    @WithDefault("cluster.local")
    String clusterDomain();

    /** The resolv.conf whose nameservers are probed when a DnsProbe names none: the pod's own, the cluster DNS. */
    @WithDefault("/etc/resolv.conf")
    String resolvConf();

    /** Where the cluster DNS Service lives, for {@code probeEachReplica}. */
    ClusterDns clusterDns();

    /** Queries in flight at most, across every DnsProbe. */
    @WithDefault("256")
    int maxInFlight();

    /**
     * DnsProbe rounds under way at once; more wait their turn. Each round holds its names' results until
     * its last name is done: 5,000 DnsProbes due together (at start) held them all at once and pushed the
     * heap of a 512 MiB pod to its end. 64 rounds still keep the engine's queries in flight busy.
     */
    @WithDefault("64")
    int maxRoundsInFlight();

    /** Up to this fraction of the interval is added at random, so DnsProbes created together spread out. */
    @WithDefault("0.1")
    double jitter();

    /** How often the state of deleted DnsProbes (metric series, probe results) is dropped. */
    @WithDefault("10s")
    Duration sweepInterval();

    /** Name of the Lease that elects the one replica that probes. */
    @WithDefault("dnsprobe-operator")
    String leaseName();

    /** Namespace of the Lease; default: the operator pod's own namespace (from its service account). */
    java.util.Optional<String> leaseNamespace();

    /** The validating webhook. */
    Webhook webhook();

    /** The audit of running workloads: a DnsReport per workload with a musl container. */
    Audit audit();

    interface Audit {
        /** Audit at all (leader only). */
        @WithDefault("true")
        boolean enabled();

        /** A full pass over every workload, and how long a name's verdict is reused before it is probed again. */
        @WithDefault("1h")
        Duration interval();

        /**
         * DNS queries per second the audit sends at most, resends included: no one-second window holds more.
         * The cluster DNS serves every pod; the audit is a background check. DnsProbes are not counted here.
         */
        @WithDefault("20")
        double maxQps();

        /** Namespaces never audited, besides the operator's own. */
        @WithDefault("kube-system")
        java.util.List<String> excludedNamespaces();

        /** A namespace with this label (key=value) is not audited. */
        @WithDefault("dnsprobe.io/audit=disabled")
        String optOutLabel();

        /** Workloads judged at once; their names share the query cap. */
        @WithDefault("8")
        int concurrency();
    }

    /** Reading images from their registries: which libc they carry, and which program they run. */
    Image image();

    interface Image {
        /** Read images at all; off, libc comes from annotations, rules and image names only. */
        @WithDefault("true")
        boolean enabled();

        /**
         * How long a review waits for an image being read before it uses the name heuristic: 10% of
         * the default 2 s budget. The read goes on in the background and fills the cache.
         */
        @WithDefault("200ms")
        Duration admissionWait();

        /** The platform picked from multi-platform images when the pod does not pin an architecture. */
        @WithDefault("linux/amd64")
        String platform();

        /** All the time one image may take; past it the image is unknown, with the reason. */
        @WithDefault("120s")
        Duration timeout();

        /** Compressed bytes read from the registry per image, at most. */
        @WithDefault("1073741824")
        long maxBytes();

        @WithDefault("128")
        int maxLayers();

        /** Images read at once; more wait, reviews before cache warming. */
        @WithDefault("2")
        int concurrency();

        /** How long a tag's digest is trusted before the registry is asked again. */
        @WithDefault("5m")
        Duration tagTtl();

        /** How long an image's result is kept (a digest's content never changes). */
        @WithDefault("24h")
        Duration resultTtl();

        /** How long a failure (registry down, wrong credentials) is remembered before trying again. */
        @WithDefault("1m")
        Duration failureTtl();

        /** Images whose result is kept. */
        @WithDefault("5000")
        int maxImages();

        /** Heap for per-layer facts (shared base layers are read once). */
        @WithDefault("67108864")
        long layerCacheBytes();

        /** Registries (host[:port]) spoken to over plain HTTP. Nothing else is. */
        java.util.Optional<java.util.List<String>> insecureRegistries();

        /** PEM files of CAs trusted for registries, besides the JDK's. */
        java.util.Optional<java.util.List<String>> caFiles();

        /**
         * {@code kubernetes.io/dockerconfigjson} Secrets in the operator's namespace whose credentials are
         * used for every image (the operator's own pull secrets). Each name needs {@code get} in RBAC.
         */
        java.util.Optional<java.util.List<String>> pullSecrets();

        /**
         * Also use the workload's own {@code imagePullSecrets} and its service account's. Off by default:
         * it needs {@code get} on Secrets in every namespace (config/image-pull-secrets).
         */
        @WithDefault("false")
        boolean workloadPullSecrets();

        /** Read the images of running Pods in the background, so redeploys and scale-ups find them cached. */
        @WithDefault("true")
        boolean warmFromPods();
    }

    interface Webhook {
        /** The whole review must answer within this; what is not known by then gets no warning. */
        @WithDefault("2s")
        Duration budget();

        /**
         * Distinct names looked up per review; the rest get no warning (and count as unknown). Bounds
         * the DNS traffic one hostile or generated workload can cause.
         */
        @WithDefault("500")
        int maxNames();

        /**
         * How long an inline probe waits for each reply (a retry waits as long again). Short, so that a silent
         * server leaves time in the budget for the names that answer.
         */
        @WithDefault("1s")
        Duration probeTimeout();

        /** How long an inline probe's verdict (or the lack of one) is reused. */
        @WithDefault("5m")
        Duration cacheTtl();

        /**
         * New inline probes started per second, across every review (a token bucket holding one second's
         * worth): a name over the limit is unknown for that review. Verdicts already cached or read from a
         * DnsProbe status are not limited. Bounds the DNS traffic a stream of reviews can cause; 0 probes
         * nothing inline (DnsProbe statuses only).
         */
        @WithDefault("50")
        int maxLookupsPerSecond();

        /**
         * Serve every path on the plain HTTP port too. Off: plain HTTP serves only /q/health and
         * /q/metrics (kubelet probes, Prometheus), and /validate answers 404 there, so AdmissionReviews
         * travel over TLS only. On in the test and dev profiles, whose clients speak plain HTTP.
         */
        @WithDefault("false")
        boolean allowPlainHttp();

        /** Deny, in every namespace, workloads whose known-version musl FAILS (else only where labelled). */
        @WithDefault("false")
        boolean enforce();

        /** Nameservers for inline probes, IP[:PORT]; default: those of the operator's resolv.conf. */
        java.util.Optional<java.util.List<String>> servers();

        /**
         * The nodes' own search domains, which kubelet appends to every ClusterFirst pod's search list
         * (e.g. {@code c.my-project.internal,google.internal} on GKE); they count toward the 254
         * characters musl can read. Default: read off the operator pod's own resolv.conf, which kubelet
         * wrote the same way. Set it when the operator's node differs from the workloads'.
         */
        java.util.Optional<java.util.List<String>> nodeSearch();

        /** Image glob to libc (musl-1.2.3, musl, glibc, static), checked before the image name. */
        java.util.Map<String, String> imageRules();

        /** The webhook's serving certificate, when the operator issues it (no cert-manager). */
        Tls tls();
    }

    interface Tls {
        /** Issue and renew the certificate, keep it in a Secret and the CA in the webhook's caBundle. */
        @WithDefault("false")
        boolean managed();

        /** Namespace of the Secret and the Service; default: the pod's own namespace. */
        java.util.Optional<String> namespace();

        @WithDefault("dnsprobe-webhook-tls")
        String secretName();

        @WithDefault("dnsprobe-webhook")
        String serviceName();

        @WithDefault("dnsprobe-validating-webhook")
        String webhookConfiguration();

        /** Where tls.crt and tls.key are written; quarkus.tls.key-store.pem must point there. */
        @WithDefault("/tmp/dnsprobe-tls")
        String dir();

        @WithDefault("8760h")
        Duration validity();

        @WithDefault("720h")
        Duration renewBefore();

        @WithDefault("1h")
        Duration checkInterval();
    }

    interface ClusterDns {
        @WithDefault("kube-system")
        String namespace();

        @WithDefault("kube-dns")
        String service();
    }
}
