package io.dnsprobe.cli;

import io.dnsprobe.resolver.ResolvConf;
import io.dnsprobe.resolver.ResolverConfig;
import io.dnsprobe.resolver.ServerAddress;
import io.dnsprobe.text.ErrorText;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The resolver flags every probing command shares; unset flags fall back to resolv.conf. */
public final class ResolverOptions {
    @Option(
            names = "--server",
            paramLabel = "HOST[:PORT]",
            description = "Nameserver to ask, repeatable (default: nameserver lines of the resolv.conf).")
    List<String> servers = new ArrayList<>();

    @Option(
            names = "--search",
            paramLabel = "DOMAIN",
            description = "Search domain, repeatable, in order (default: the resolv.conf search line).")
    List<String> search;

    @Option(names = "--no-search", description = "Ignore the resolv.conf search list.")
    boolean noSearch;

    @Option(
            names = "--ndots",
            paramLabel = "N",
            description = "Dots below which search domains are tried first (default: resolv.conf, else 1).")
    Integer ndots;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Wait per query attempt, e.g. 500ms, 2s (default: resolv.conf timeout, else 2s).")
    Duration timeout;

    @Option(names = "--attempts", paramLabel = "N", description = "UDP sends per query (default: resolv.conf, else 2).")
    Integer attempts;

    @Option(
            names = "--resolv-conf",
            paramLabel = "PATH",
            description = "resolv.conf to take defaults from (default: "
                    + "/etc/resolv.conf; when that is missing, what libc assumes: 127.0.0.1, no search list).")
    Path resolvConf;

    /**
     * The configuration these flags describe; servers are parsed here so a bad one fails before probing. A
     * {@code --resolv-conf} that cannot be read is an error: the user named it, and its defaults would be
     * silently replaced by libc's.
     */
    ResolverConfig toConfig() {
        ResolverConfig config;
        if (resolvConf == null) {
            config = ResolvConf.loadOrDefault(ResolvConf.DEFAULT_PATH);
        } else {
            try {
                config = ResolvConf.load(resolvConf);
            } catch (IOException e) {
                throw new CliException("--resolv-conf " + resolvConf + ": " + ErrorText.reason(e));
            }
        }
        if (!servers.isEmpty()) {
            List<ServerAddress> parsed = new ArrayList<>();
            for (String s : servers) {
                parsed.add(ServerAddress.parse(s));
            }
            config = config.withServers(parsed);
        }
        if (noSearch) {
            config = config.withSearch(List.of());
        }
        if (search != null) {
            config = config.withSearch(search);
        }
        if (ndots != null) {
            config = config.withNdots(ndots);
        }
        if (timeout != null) {
            config = config.withTimeout(timeout);
        }
        if (attempts != null) {
            config = config.withAttempts(attempts);
        }
        return config;
    }
}
