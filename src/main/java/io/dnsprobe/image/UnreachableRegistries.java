package io.dnsprobe.image;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Hosts (registries, and the token servers and blob stores they send to) that could not be reached: no
 * connection (DNS failure, refused, connect timeout), no TLS handshake, or no answer at all to an image's
 * first request. Further requests to such a host fail at once with the same problem instead of after another
 * timeout: ten images on a dead registry cost one timeout, not ten.
 *
 * <p>Only failures of the host itself count: an HTTP answer of any status (a 404 or a 401 on one repository, a
 * 5xx) says the host is there. How long a host is remembered is the owner's choice: a command remembers it for
 * its run; a server for a short while, so that a registry that comes back is read again. At most
 * {@code maxHosts} hosts are kept (the oldest failure goes first): anyone who may create a Pod can name hosts.
 */
public final class UnreachableRegistries {
    /** Hosts remembered at most; each a short string and an exception. */
    public static final int MAX_HOSTS = 256;

    private record Failure(RegistryException why, long at) {}

    private final Map<String, Failure> hosts = new LinkedHashMap<>();
    /** Null: for as long as this object lives (a command's run). */
    private final Duration ttl;

    private final int maxHosts;
    private final LongSupplier clock;

    UnreachableRegistries(Duration ttl, int maxHosts, LongSupplier clock) {
        this.ttl = ttl;
        this.maxHosts = maxHosts;
        this.clock = clock;
    }

    /** For a command: a host that failed is not asked again until the command ends. */
    public static UnreachableRegistries forTheRun() {
        return new UnreachableRegistries(null, MAX_HOSTS, System::nanoTime);
    }

    /** For a server: a host that failed is asked again once {@code ttl} has passed; zero remembers nothing. */
    public static UnreachableRegistries forAWhile(Duration ttl) {
        return forAWhile(ttl, System::nanoTime);
    }

    static UnreachableRegistries forAWhile(Duration ttl, LongSupplier clock) {
        return new UnreachableRegistries(ttl, MAX_HOSTS, clock);
    }

    /** Remembers that {@code host} could not be reached, and returns {@code why} for the caller to throw. */
    synchronized RegistryException failed(String host, RegistryException why) {
        if (ttl != null && (ttl.isZero() || ttl.isNegative()) || maxHosts <= 0) {
            return why;
        }
        String key = host.toLowerCase(Locale.ROOT);
        // A new failure restarts the wait; the oldest entries make room.
        hosts.remove(key);
        hosts.put(key, new Failure(why, clock.getAsLong()));
        Iterator<String> oldest = hosts.keySet().iterator();
        while (hosts.size() > maxHosts && oldest.hasNext()) {
            oldest.next();
            oldest.remove();
        }
        return why;
    }

    /**
     * The failure to repeat for {@code host} while it is remembered, as {@code name} (how the message calls the
     * host: "registry quay.example") unreachable: {@code registry quay.example unreachable (said above): cannot
     * connect to quay.example (Connection refused)}.
     */
    synchronized Optional<RegistryException> reminder(String host, String name) {
        String key = host.toLowerCase(Locale.ROOT);
        Failure f = hosts.get(key);
        if (f == null) {
            return Optional.empty();
        }
        long ago = clock.getAsLong() - f.at();
        if (ttl != null && ago - ttl.toNanos() >= 0) {
            hosts.remove(key);
            return Optional.empty();
        }
        String when = ttl == null
                ? "said above"
                : "tried " + Duration.ofNanos(ago).toSeconds() + "s ago; not asked again for " + seconds(ttl);
        return Optional.of(new RegistryException(
                f.why().kind(), name + " unreachable (" + when + "): " + f.why().getMessage()));
    }

    /** The remembered failure of {@code host} as the image's registry. */
    Optional<RegistryException> reminder(String host) {
        return reminder(host, "registry " + host);
    }

    synchronized int size() {
        return hosts.size();
    }

    private static String seconds(Duration d) {
        long s = d.toSeconds();
        return s % 60 == 0 && s > 0 ? s / 60 + "m" : s + "s";
    }
}
