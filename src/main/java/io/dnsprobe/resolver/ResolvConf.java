package io.dnsprobe.resolver;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads resolv.conf the way the resolvers do: {@code nameserver} lines (musl uses the first three),
 * the last {@code search} or {@code domain} line wins, and {@code options ndots: timeout: attempts:}.
 * Unknown lines are ignored, as libc ignores them.
 */
public final class ResolvConf {
    public static final Path DEFAULT_PATH = Path.of("/etc/resolv.conf");
    private static final int MAX_NAMESERVERS = 3;

    private ResolvConf() {}

    /** Larger than any resolv.conf: three nameservers, a search line of at most 256 characters, options. */
    public static final int MAX_BYTES = 64 * 1024;

    /** @throws IOException when it cannot be read, is a directory, or is over {@link #MAX_BYTES} */
    public static ResolverConfig load(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            throw new IOException("is a directory");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        }
        if (bytes.length > MAX_BYTES) {
            throw new IOException("larger than " + MAX_BYTES / 1024 + " KiB: not a resolv.conf");
        }
        // Bytes as libc reads them: what is not ASCII can be no address, option or valid search domain.
        return parse(new String(bytes, StandardCharsets.ISO_8859_1));
    }

    /** A missing or unreadable file gives what libc falls back to: 127.0.0.1, no search list. */
    public static ResolverConfig loadOrDefault(Path path) {
        try {
            return load(path);
        } catch (IOException e) {
            return parse("");
        }
    }

    public static ResolverConfig parse(String text) {
        List<ServerAddress> servers = new ArrayList<>();
        List<String> search = List.of();
        int ndots = ResolverConfig.DEFAULT_NDOTS;
        Duration timeout = ResolverConfig.DEFAULT_TIMEOUT;
        int attempts = ResolverConfig.DEFAULT_ATTEMPTS;
        for (String raw : text.split("\n")) {
            String line = stripComment(raw).trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] words = line.split("\\s+");
            switch (words[0]) {
                case "nameserver" -> {
                    if (words.length > 1 && servers.size() < MAX_NAMESERVERS) {
                        // A scoped address (fe80::1%eth0) is kept without its scope: probes go to loopback or
                        // cluster addresses, never link-local ones.
                        String host = words[1].contains("%") ? words[1].substring(0, words[1].indexOf('%')) : words[1];
                        if (ServerAddress.literal(host) != null) {
                            servers.add(new ServerAddress(ServerAddress.literal(host), ServerAddress.DNS_PORT));
                        }
                    }
                }
                case "search", "domain" -> {
                    List<String> domains = new ArrayList<>();
                    for (int i = 1; i < words.length; i++) {
                        if (DnsNames.isValid(words[i])) {
                            domains.add(words[i]);
                        }
                    }
                    search = domains;
                }
                case "options" -> {
                    for (int i = 1; i < words.length; i++) {
                        String option = words[i];
                        Integer n = optionValue(option, "ndots:");
                        if (n != null) {
                            ndots = Math.min(n, ResolverConfig.MAX_NDOTS);
                        }
                        Integer t = optionValue(option, "timeout:");
                        if (t != null && t > 0) {
                            timeout = Duration.ofSeconds(Math.min(t, 30));
                        }
                        Integer a = optionValue(option, "attempts:");
                        if (a != null) {
                            attempts = Math.max(1, Math.min(a, 5));
                        }
                    }
                }
                default -> {
                    // sortlist, lookup and the rest change nothing that dnsprobe models.
                }
            }
        }
        if (servers.isEmpty()) {
            servers.add(new ServerAddress(ServerAddress.literal("127.0.0.1"), ServerAddress.DNS_PORT));
        }
        return new ResolverConfig(servers, search, ndots, timeout, attempts);
    }

    private static String stripComment(String line) {
        int hash = line.indexOf('#');
        int semi = line.indexOf(';');
        int cut = hash < 0 ? semi : semi < 0 ? hash : Math.min(hash, semi);
        return cut < 0 ? line : line.substring(0, cut);
    }

    private static Integer optionValue(String option, String prefix) {
        if (!option.startsWith(prefix)) {
            return null;
        }
        try {
            return Integer.parseInt(option.substring(prefix.length()));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
