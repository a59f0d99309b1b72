package io.dnsprobe.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.dnsprobe.testing.Ports;
import io.dnsprobe.testing.registry.ScriptedRegistry;
import io.dnsprobe.testing.registry.SilentRegistry;
import io.dnsprobe.testing.registry.TestImage;
import io.dnsprobe.testing.registry.TestImages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A registry that cannot be reached is asked once, not once per image: a hung one (accepts, never answers), a
 * refusing one, and, for the server, one that comes back and is read again once the memory has expired. Times
 * here are the test's own clock or hang guards; nothing asserts how long anything took.
 */
class UnreachableRegistriesIT {
    private static final int IMAGES = 10;
    private static final int AT_ONCE = 4;

    private static List<ImageInspection> inspectAll(ImageInspector i, String host) throws Exception {
        List<CompletableFuture<ImageInspection>> running = new ArrayList<>();
        for (int n = 0; n < IMAGES; n++) {
            running.add(i.inspect(
                    ImageRef.parse(host + "/acme/app" + n + ":1"),
                    Platform.LINUX_AMD64,
                    RegistryAuths.NONE,
                    ImageInspector.Priority.INTERACTIVE));
        }
        List<ImageInspection> done = new ArrayList<>();
        for (CompletableFuture<ImageInspection> f : running) {
            done.add(f.get(60, TimeUnit.SECONDS)); // a hang guard
        }
        return done;
    }

    @Test
    void aHungRegistryIsAskedByTheFirstReadsOnlyAndTheRestFailAtOnceWithItsReason() throws Exception {
        try (SilentRegistry hung = new SilentRegistry(SilentRegistry.Mode.HANG);
                ImageInspector i = ImageInspector.builder(RegistryClient.builder()
                                .insecure(Set.of(hung.host()))
                                .unreachable(UnreachableRegistries.forTheRun())
                                .build())
                        .timeout(Duration.ofSeconds(2))
                        .concurrency(AT_ONCE)
                        .build()) {
            List<ImageInspection> results = inspectAll(i, hung.host());
            assertThat(results).allMatch(ImageInspection::failed);
            assertThat(hung.connections())
                    .as("connections to the hung registry")
                    .isBetween(1, AT_ONCE);
            long reminded = results.stream()
                    .filter(r -> r.problem().startsWith("registry " + hung.host() + " unreachable (said above): "))
                    .count();
            assertThat(reminded).as("images failed from the memory").isGreaterThanOrEqualTo(IMAGES - AT_ONCE);
            assertThat(results)
                    .allSatisfy(r ->
                            assertThat(r.problem()).contains(hung.host() + " sent no answer to GET " + "/v2/acme/app"));
        }
    }

    @Test
    void aRefusingRegistryIsAskedOnceWhenReadsComeOneAtATime() throws Exception {
        String closed = "127.0.0.1:" + Ports.freeTcpPort();
        RegistryClient client = RegistryClient.builder()
                .insecure(Set.of(closed))
                .unreachable(UnreachableRegistries.forTheRun())
                .build();
        try (ImageInspector i = ImageInspector.builder(client).concurrency(1).build()) {
            List<ImageInspection> results = inspectAll(i, closed);
            assertThat(client.requestsTo(closed)).isEqualTo(1);
            String refused = results.get(0).problem();
            assertThat(refused).isEqualTo("cannot connect to registry " + closed + ": connection refused");
            assertThat(results.subList(1, IMAGES)).allSatisfy(r -> {
                assertThat(r.problemKind()).isEqualTo(RegistryException.Kind.UNREACHABLE);
                assertThat(r.problem()).isEqualTo("registry " + closed + " unreachable (said above): " + refused);
            });
        }
    }

    @Test
    void anAnswerOfAnyStatusIsNoReasonToForgetTheRegistry() throws Exception {
        try (ScriptedRegistry registry = new ScriptedRegistry()) {
            RegistryClient client = RegistryClient.builder()
                    .insecure(Set.of(registry.host()))
                    .unreachable(UnreachableRegistries.forTheRun())
                    .build();
            registry.image("acme/orders", "1.4", TestImages.image("acme/orders:1.4"));
            try (ImageInspector i = ImageInspector.builder(client).build()) {
                assertThat(inspectAll(i, registry.host()))
                        .allMatch(r -> r.problemKind() == RegistryException.Kind.NOT_FOUND);
                ImageInspection orders = inspect(i, ImageRef.parse(registry.host() + "/acme/orders:1.4"));
                assertThat(orders.problem()).isNull();
            }
        }
    }

    @Test
    void aRegistryThatAnsweredThisImageAndThenStallsIsSlowNotGone() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (ScriptedRegistry registry = new ScriptedRegistry()) {
            TestImage orders = TestImages.image("acme/orders:1.4");
            registry.image("acme/orders", "1.4", orders).image("acme/slow", "1", orders);
            // The manifest is answered; the config's headers never come (until the test ends).
            registry.on("GET", "/v2/acme/slow/blobs/.*", ex -> {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            RegistryClient client = RegistryClient.builder()
                    .insecure(Set.of(registry.host()))
                    .unreachable(UnreachableRegistries.forTheRun())
                    .build();
            try (ImageInspector i = ImageInspector.builder(client)
                    .timeout(Duration.ofSeconds(2))
                    .build()) {
                ImageInspection slow = inspect(i, ImageRef.parse(registry.host() + "/acme/slow:1"));
                assertThat(slow.problemKind()).isEqualTo(RegistryException.Kind.TIMEOUT);
                assertThat(slow.problem()).contains(registry.host() + " sent no answer to GET /v2/acme/slow/blobs/");
                ImageInspection next = inspect(i, ImageRef.parse(registry.host() + "/acme/orders:1.4"));
                assertThat(next.problem()).as("the registry is still asked").isNull();
            } finally {
                release.countDown();
            }
        }
    }

    @Test
    void theServerAsksAgainOnceItsMemoryHasExpiredAndReadsTheRegistryThatCameBack() throws Exception {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        try (ScriptedRegistry real = new ScriptedRegistry();
                SilentRegistry front = new SilentRegistry(SilentRegistry.Mode.CLOSE)) {
            real.image("acme/orders", "1.4", TestImages.image("acme/orders:1.4"));
            RegistryClient client = RegistryClient.builder()
                    .insecure(Set.of(front.host()))
                    .unreachable(UnreachableRegistries.forAWhile(Duration.ofSeconds(30), now::get))
                    .build();
            try (ImageInspector i =
                    ImageInspector.builder(client).clock(now::get).build()) {
                ImageRef orders = ImageRef.parse(front.host() + "/acme/orders:1.4");
                ImageInspection first = inspect(i, orders);
                assertThat(first.problemKind()).isEqualTo(RegistryException.Kind.UNREACHABLE);
                int asked = front.connections();

                front.forwardTo(real.host());
                now.addAndGet(Duration.ofSeconds(29).toNanos());
                ImageInspection within = inspect(i, ImageRef.parse(front.host() + "/acme/other:1"));
                assertThat(within.problem())
                        .startsWith("registry " + front.host() + " unreachable (tried 29s ago; "
                                + "not asked again for 30s): the connection to registry " + front.host() + " failed");
                assertThat(inspect(i, orders).problem()).startsWith("registry " + front.host() + " unreachable");
                assertThat(front.connections()).as("not asked within the 30 s").isEqualTo(asked);

                now.addAndGet(Duration.ofSeconds(1).toNanos());
                ImageInspection after = inspect(i, orders);
                assertThat(after.problem())
                        .as("asked again after 30 s: it is back")
                        .isNull();
                assertThat(after.libc().label()).isEqualTo("musl 1.2.3");
                assertThat(front.connections()).isGreaterThan(asked);
            }
        }
    }

    @Test
    void theMemoryIsBoundedAndZeroRemembersNothing() {
        AtomicLong now = new AtomicLong();
        UnreachableRegistries memory = new UnreachableRegistries(null, 3, now::get);
        for (int n = 0; n < 5; n++) {
            memory.failed("h" + n + ".example", new RegistryException(RegistryException.Kind.UNREACHABLE, "down " + n));
        }
        assertThat(memory.size()).isEqualTo(3);
        assertThat(memory.reminder("h0.example")).as("the oldest went first").isEmpty();
        assertThat(memory.reminder("H4.example").orElseThrow().getMessage())
                .isEqualTo("registry H4.example unreachable (said above): down 4");

        UnreachableRegistries none = UnreachableRegistries.forAWhile(Duration.ZERO, now::get);
        none.failed("h.example", new RegistryException(RegistryException.Kind.UNREACHABLE, "down"));
        assertThat(none.reminder("h.example")).isEmpty();
    }

    private static ImageInspection inspect(ImageInspector i, ImageRef ref) throws Exception {
        return i.inspect(ref, Platform.LINUX_AMD64, RegistryAuths.NONE, ImageInspector.Priority.INTERACTIVE)
                .get(60, TimeUnit.SECONDS); // a hang guard
    }
}
