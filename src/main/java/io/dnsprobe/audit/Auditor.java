package io.dnsprobe.audit;

import io.dnsprobe.api.DnsReport;
import io.dnsprobe.api.DnsReportStatus;
import io.dnsprobe.image.ImageRef;
import io.dnsprobe.image.Libc;
import io.dnsprobe.image.LibcDetector;
import io.dnsprobe.probe.InFlightLimiter;
import io.dnsprobe.probe.QueryPacer;
import io.dnsprobe.server.ClusterState;
import io.dnsprobe.server.DnsprobeConfig;
import io.dnsprobe.server.Engine;
import io.dnsprobe.server.ImageService;
import io.dnsprobe.server.Leading;
import io.dnsprobe.server.PodResolvers;
import io.dnsprobe.workload.NameExtractor;
import io.dnsprobe.workload.Workload;
import io.dnsprobe.workload.WorkloadChecker;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The audit of what already runs (leader only): every workload outside the excluded namespaces is judged
 * with the analysis the webhook and {@code check} use, and each one with a musl container gets a
 * DnsReport; a change of its verdict to FAILS (or back) is an Event on the workload.
 *
 * <p>Work is queued by workload uid: a change to a workload, to a ConfigMap it reads, or to its namespace's
 * opt-out label queues it at once; a full pass queues every workload each {@code dnsprobe.audit.interval}.
 * A worker judges up to {@code concurrency} workloads at a time. Names are probed through
 * {@link AuditVerdicts} (once per interval per name and resolv.conf, under the query cap).
 */
@ApplicationScoped
public class Auditor {
    private static final Logger LOG = Logger.getLogger(Auditor.class);
    /** musl's defaults: the audit asks as the pods do. */
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(5);
    /** How long judging one workload may take (its images are read to the end, bounded by the inspector). */
    private static final Duration WORKLOAD_BUDGET = Duration.ofMinutes(10);

    static final String FAILURE = "MuslDnsFailure";
    static final String RESOLVED = "MuslDnsResolved";

    @Inject
    KubernetesClient client;

    @Inject
    DnsprobeConfig config;

    @Inject
    Engine engine;

    @Inject
    PodResolvers podResolvers;

    @Inject
    ImageService images;

    @Inject
    ClusterState cluster;

    @Inject
    MeterRegistry registry;

    private final Map<String, AuditedWorkload> workloads = new ConcurrentHashMap<>();
    /** Workloads whose latest report has a failing name (by uid): an Event is written when this changes. */
    private final Map<String, Boolean> failing = new ConcurrentHashMap<>();

    private final Map<String, WorkloadVerdict> verdicts = new ConcurrentHashMap<>();
    /** What the Pods of each workload run: judged instead of the tag, which may have been pushed again since. */
    private final RunningDigests runningDigests = new RunningDigests();

    private final Set<String> queued = new LinkedHashSet<>();
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private volatile boolean started;
    private ScheduledExecutorService worker;
    private WorkloadWatch watch;
    private QueryPacer pacer;
    private AuditVerdicts nameVerdicts;
    private AuditImages auditImages;
    private ReportWriter writer;
    private LibcDetector detector;
    private InFlightLimiter inFlight;
    private AuditMetrics metrics;
    private String ownNamespace;
    private volatile long passStarted;
    /** Full passes completed, for tests that must see one go by. */
    private final AtomicInteger passes = new AtomicInteger();

    void onLeading(@Observes Leading leading) {
        if (!config.audit().enabled()) {
            LOG.info("audit disabled (dnsprobe.audit.enabled=false)");
            return;
        }
        start();
    }

    synchronized void start() {
        if (started) {
            return;
        }
        started = true;
        ownNamespace = client.getNamespace();
        pacer = new QueryPacer(config.audit().maxQps());
        nameVerdicts = new AuditVerdicts(
                (ns, dns) -> podResolvers.of(ns, dns, QUERY_TIMEOUT),
                engine.prober().paced(pacer),
                config.audit().interval());
        auditImages = new AuditImages(images);
        writer = new ReportWriter(client);
        detector = new LibcDetector(config.webhook().imageRules());
        inFlight = new InFlightLimiter(Math.max(1, config.audit().concurrency()));
        metrics = new AuditMetrics(registry, pacer, verdicts);
        worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dnsprobe-audit");
            t.setDaemon(true);
            return t;
        });
        seedFromReports();
        cluster.onConfigMapChange(this::configMapChanged);
        cluster.onNamespaceChange(this::namespaceChanged);
        images.onRepushed(this::imageRepushed);
        watch = new WorkloadWatch(runningDigests);
        watch.start(client, new WorkloadWatch.Listener() {
            @Override
            public void changed(AuditedWorkload w) {
                AuditedWorkload before = workloads.put(w.uid(), w);
                if (before == null || !before.equals(w)) {
                    enqueue(w.uid());
                }
            }

            @Override
            public void gone(String uid) {
                AuditedWorkload w = workloads.remove(uid);
                if (w != null) {
                    worker.execute(() -> forget(w));
                }
            }

            @Override
            public void runningChanged(String workloadUid) {
                if (workloadUid != null && workloads.containsKey(workloadUid)) {
                    enqueue(workloadUid);
                }
            }
        });
        long interval = config.audit().interval().toMillis();
        worker.scheduleWithFixedDelay(this::fullPass, interval, interval, TimeUnit.MILLISECONDS);
        LOG.infof(
                "audit started: every %s, at most %s queries per second; excluded namespaces %s, %s and those labelled %s",
                config.audit().interval(),
                config.audit().maxQps(),
                config.audit().excludedNamespaces(),
                ownNamespace,
                config.audit().optOutLabel());
    }

    void stop(@Observes @Priority(1) ShutdownEvent event) {
        synchronized (this) {
            if (!started) {
                return;
            }
            started = false;
        }
        watch.stop();
        worker.shutdownNow();
        metrics.close();
        pacer.close();
    }

    /** Who failed before this replica led: a new leader must not repeat their Events. */
    private void seedFromReports() {
        try {
            for (DnsReport r :
                    client.resources(DnsReport.class).inAnyNamespace().list().getItems()) {
                if (r.getSpec() != null
                        && r.getSpec().workload() != null
                        && r.getStatus() != null
                        && r.getStatus().fails() != null) {
                    failing.put(r.getSpec().workload().uid(), r.getStatus().fails() > 0);
                }
            }
        } catch (KubernetesClientException e) {
            LOG.debugf("could not list DnsReports (%s); Events may repeat once", e.getMessage());
        }
    }

    void fullPass() {
        passStarted = System.nanoTime();
        nameVerdicts.prune();
        workloads.keySet().forEach(this::enqueue);
    }

    private void configMapChanged(String namespace, String name) {
        for (AuditedWorkload w : workloads.values()) {
            if (w.namespace().equals(namespace)
                    && w.workload().containers().stream().anyMatch(c -> c.reads(name))) {
                enqueue(w.uid());
            }
        }
    }

    /** A tag that running Pods now show at another digest (pushed again): its workloads are judged again. */
    private void imageRepushed(String image) {
        for (AuditedWorkload w : workloads.values()) {
            if (w.workload().containers().stream().anyMatch(c -> image.equals(canonical(c.image())))) {
                enqueue(w.uid());
            }
        }
    }

    /** The image as references print it (docker.io/library/alpine:3.16 for alpine:3.16); as written if it does not parse. */
    private static String canonical(String image) {
        try {
            return ImageRef.parse(image).toString();
        } catch (RuntimeException e) {
            return image;
        }
    }

    private void namespaceChanged(String namespace) {
        workloads.values().stream().filter(w -> w.namespace().equals(namespace)).forEach(w -> enqueue(w.uid()));
    }

    private void enqueue(String uid) {
        synchronized (queued) {
            if (!queued.add(uid)) {
                return;
            }
        }
        worker.execute(this::drain);
    }

    /** Hands queued workloads to the limiter; one under way is queued again only after it is done. */
    private void drain() {
        List<String> next = new ArrayList<>();
        synchronized (queued) {
            for (var it = queued.iterator(); it.hasNext(); ) {
                String uid = it.next();
                if (running.add(uid)) {
                    next.add(uid);
                    it.remove();
                }
            }
        }
        for (String uid : next) {
            inFlight.submit(() -> audit(uid)).whenComplete((v, e) -> {
                running.remove(uid);
                if (e != null) {
                    LOG.warnf(e, "audit of workload %s failed", uid);
                }
                boolean more;
                synchronized (queued) {
                    more = queued.contains(uid);
                }
                if (more) {
                    worker.execute(this::drain);
                }
                passDone();
            });
        }
    }

    private void passDone() {
        long started = passStarted;
        if (started != 0 && running.isEmpty()) {
            synchronized (queued) {
                if (!queued.isEmpty()) {
                    return;
                }
            }
            passStarted = 0;
            passes.incrementAndGet();
            metrics.passDone(Duration.ofNanos(System.nanoTime() - started));
        }
    }

    int passes() {
        return passes.get();
    }

    /** Judges one workload and writes what changed. */
    CompletableFuture<Void> audit(String uid) {
        AuditedWorkload w = workloads.get(uid);
        if (w == null) {
            return CompletableFuture.completedFuture(null);
        }
        if (excluded(w.namespace())) {
            forget(w);
            return CompletableFuture.completedFuture(null);
        }
        LOG.debugf("auditing %s %s/%s", w.kind(), w.namespace(), w.name());
        Workload judged = RunningDigests.pin(w.workload(), runningDigests.of(uid));
        return WorkloadChecker.checkAsync(
                        judged,
                        w.namespace(),
                        detector,
                        auditImages,
                        cluster,
                        nameVerdicts,
                        WORKLOAD_BUDGET,
                        Integer.MAX_VALUE)
                .toCompletableFuture()
                // On the audit's own thread: the analysis completes on the DNS engine's or an image reader's
                // thread, and writing a report blocks on the API server.
                .thenAcceptAsync(result -> conclude(w, judged, result), worker);
    }

    private void conclude(AuditedWorkload w, Workload judged, WorkloadChecker.Result result) {
        LOG.debugf(
                "audited %s %s/%s: %d findings, %d unknown; %s",
                w.kind(),
                w.namespace(),
                w.name(),
                result.findings().size(),
                result.unknown().size(),
                result.containers());
        if (!w.equals(workloads.get(w.uid()))) {
            return; // changed or gone meanwhile: the newer version is queued
        }
        Map<String, Set<String>> names = new LinkedHashMap<>();
        for (int i = 0; i < result.containers().size(); i++) {
            if (result.containers().get(i).libc().usesMusl()) {
                Workload.Container c = judged.containers().get(i);
                names.put(
                        c.name(),
                        NameExtractor.names(c, w.namespace(), w.workload().annotations(), cluster));
            }
        }
        Optional<DnsReportStatus> status = ReportBuilder.build(result, w.workload(), names, Instant.now());
        if (status.isEmpty()) {
            verdicts.put(w.uid(), new WorkloadVerdict(firstLibc(result), WorkloadVerdict.Outcome.NOT_MUSL));
            forgetReport(w);
            return;
        }
        DnsReportStatus s = status.get();
        verdicts.put(
                w.uid(),
                new WorkloadVerdict(ReportBuilder.reportedLibc(result).orElse(null), WorkloadVerdict.Outcome.of(s)));
        try {
            writer.write(w, s);
            boolean failsNow = s.fails() > 0;
            Boolean before = failing.get(w.uid());
            if (failsNow && !Boolean.TRUE.equals(before)) {
                writer.event(
                        w,
                        "Warning",
                        FAILURE,
                        s.summary()
                                + ReportBuilder.firstFailure(s)
                                        .map(f -> "; " + f)
                                        .orElse("") + " (kubectl get dnsreport " + w.reportName() + " -n "
                                + w.namespace() + " -o yaml)");
            } else if (!failsNow && Boolean.TRUE.equals(before)) {
                writer.event(w, "Normal", RESOLVED, "no name fails on musl any more: " + s.summary());
            }
            // Only once the Event is out: a refused one is posted when the audit is retried.
            failing.put(w.uid(), failsNow);
        } catch (KubernetesClientException e) {
            LOG.warnf(
                    "could not write the DnsReport of %s %s/%s: %s", w.kind(), w.namespace(), w.name(), e.getMessage());
            enqueueLater(w.uid());
        }
    }

    private static Libc firstLibc(WorkloadChecker.Result result) {
        return result.containers().isEmpty()
                ? null
                : result.containers().get(0).libc().libc();
    }

    private void enqueueLater(String uid) {
        worker.schedule(() -> enqueue(uid), 30, TimeUnit.SECONDS);
    }

    private void forget(AuditedWorkload w) {
        verdicts.remove(w.uid());
        forgetReport(w);
    }

    /** Deletes the report if one was written (or found at start); a glibc workload costs no API call. */
    private void forgetReport(AuditedWorkload w) {
        if (failing.remove(w.uid()) == null) {
            return;
        }
        try {
            writer.delete(w.namespace(), w.reportName());
        } catch (KubernetesClientException e) {
            LOG.debugf(
                    "could not delete the DnsReport of %s/%s (its ownerReference removes it with the workload): %s",
                    w.namespace(), w.name(), e.getMessage());
        }
    }

    boolean excluded(String namespace) {
        return namespace.equals(ownNamespace)
                || config.audit().excludedNamespaces().contains(namespace)
                || cluster.hasLabel(namespace, config.audit().optOutLabel());
    }
}
