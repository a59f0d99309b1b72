package io.dnsprobe.testing.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.airlift.compress.zstd.ZstdInputStream;
import io.dnsprobe.testing.Cleanup;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.SSLHandshakeException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The harness against the real registry: what it pushes is what a client pulls, byte for byte. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RegistryHarnessIT {

    @Test
    void theWholeCatalogIsPushedAndPulledBack() throws Exception {
        try (DockerRegistry registry = DockerRegistry.plain()) {
            TestImages.Catalog catalog = TestImages.pushAll(registry);
            HttpClient http = registry.newHttpClient();
            assertThat(catalog.images()).hasSize(22);
            for (TestImages.Pushed p : catalog.images().values()) {
                HttpResponse<byte[]> r =
                        get(http, registry.url() + "/v2/" + p.repository() + "/manifests/" + p.tag(), null);
                assertThat(r.statusCode()).as(p.name()).isEqualTo(200);
                assertThat(r.headers().firstValue("Docker-Content-Digest"))
                        .as(p.name())
                        .contains(p.digest());
                assertThat(r.headers().firstValue("Content-Type")).as(p.name()).contains(p.mediaType());
                assertThat(Util.digest(r.body())).as(p.name()).isEqualTo(p.digest());
            }

            TestImages.Pushed gateway = catalog.get("acme/gateway:2.0");
            assertThat(gateway.diffIds()).hasSize(2);
            assertThat(gateway.diffIds().get(0))
                    .isEqualTo(catalog.get("base/alpine:3.16").diffIds().get(0));
            byte[] goLayer = blob(
                    http, registry, gateway.repository(), gateway.layerDigests().get(1));
            assertThat(Util.digest(goLayer)).isEqualTo(gateway.layerDigests().get(1));
            byte[] goTar = new GZIPInputStream(new ByteArrayInputStream(goLayer)).readAllBytes();
            assertThat(Util.digest(goTar))
                    .as("diff_id is the sha256 of the uncompressed tar")
                    .isEqualTo(gateway.diffIds().get(1));
            Map<String, byte[]> goFiles = files(goTar);
            assertThat(goFiles).containsKey("usr/local/bin/gateway");
            assertThat(new String(goFiles.get("usr/local/bin/gateway"), StandardCharsets.ISO_8859_1))
                    .contains("go1.19", "CGO_ENABLED=0");
            String cgoBinary = new String(TestImages.goBinary(true), StandardCharsets.ISO_8859_1);
            assertThat(cgoBinary).contains("-tags=netcgo");

            JsonNode config = Util.JSON.readTree(blob(http, registry, gateway.repository(), gateway.configDigest()));
            assertThat(config.at("/rootfs/diff_ids").toString())
                    .isEqualTo(Util.JSON.writeValueAsString(gateway.diffIds()));
            assertThat(config.at("/config/Entrypoint/0").asText()).isEqualTo("gateway");
            assertThat(config.at("/config/Env/0").asText()).startsWith("PATH=/usr/local/sbin:");

            TestImages.Pushed alpine = catalog.get("base/alpine:3.16");
            Map<String, byte[]> base = files(gunzip(blob(
                    http, registry, alpine.repository(), alpine.layerDigests().get(0))));
            assertThat(new String(base.get("lib/apk/db/installed"), StandardCharsets.UTF_8))
                    .contains("P:musl\nV:1.2.3-r2\nA:x86_64\n");
            assertThat(new String(base.get("etc/alpine-release"), StandardCharsets.UTF_8))
                    .isEqualTo("3.16.2\n");
            assertThat(new String(base.get("lib/ld-musl-x86_64.so.1"), StandardCharsets.ISO_8859_1))
                    .contains("musl libc (x86_64)", "\0001.2.3\0");

            TestImages.Pushed zstd = catalog.get("acme/zstd:1");
            byte[] zstdTar = new ZstdInputStream(new ByteArrayInputStream(blob(
                            http,
                            registry,
                            zstd.repository(),
                            zstd.layerDigests().get(0))))
                    .readAllBytes();
            assertThat(Util.digest(zstdTar))
                    .isEqualTo(zstd.diffIds().get(0))
                    .isEqualTo(catalog.get("base/alpine:3.18").diffIds().get(0));

            TestImages.Pushed dotslash = catalog.get("acme/dotslash:1");
            Map<String, byte[]> dotFiles = files(gunzip(blob(
                    http,
                    registry,
                    dotslash.repository(),
                    dotslash.layerDigests().get(0))));
            assertThat(dotFiles).containsKey("./lib/apk/db/installed");

            HttpResponse<byte[]> index = get(http, registry.url() + "/v2/multi/app/manifests/1", null);
            JsonNode manifests = Util.JSON.readTree(index.body()).get("manifests");
            assertThat(manifests).hasSize(3);
            assertThat(manifests.get(1).at("/platform/architecture").asText()).isEqualTo("arm64");
            assertThat(manifests
                            .get(2)
                            .at("/annotations/vnd.docker.reference.type")
                            .asText())
                    .isEqualTo("attestation-manifest");
            assertThat(manifests
                            .get(2)
                            .at("/annotations/vnd.docker.reference.digest")
                            .asText())
                    .isEqualTo(
                            catalog.get("multi/app:1").platform("linux/amd64").digest());
            HttpResponse<byte[]> list = get(http, registry.url() + "/v2/multi/docker/manifests/1", null);
            assertThat(Util.JSON.readTree(list.body()).get("manifests")).hasSize(2);

            // Pushing again uploads nothing: every blob is found by HEAD.
            ImagePusher again = new ImagePusher(registry);
            TestImages.Catalog second = TestImages.pushAll(again, registry.host());
            assertThat(again.uploaded()).isZero();
            assertThat(second.get("multi/app:1").digest())
                    .isEqualTo(catalog.get("multi/app:1").digest());
        }
    }

    @Test
    void htpasswdRegistryWantsThePasswordWithItsColon() throws Exception {
        try (DockerRegistry registry =
                DockerRegistry.builder().htpasswd("ci", "pa:ss:word").start()) {
            HttpClient http = registry.newHttpClient();
            HttpResponse<byte[]> anonymous = get(http, registry.url() + "/v2/", null);
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith("Basic realm="));
            assertThat(get(http, registry.url() + "/v2/", basic("ci", "pa:ss")).statusCode())
                    .isEqualTo(401);
            assertThat(get(http, registry.url() + "/v2/", basic("ci", "pa:ss:word"))
                            .statusCode())
                    .isEqualTo(200);

            String digest = new ImagePusher(registry).push("base/alpine", "3.16", TestImages.image("base/alpine:3.16"));
            HttpResponse<byte[]> m =
                    get(http, registry.url() + "/v2/base/alpine/manifests/3.16", basic("ci", "pa:ss:word"));
            assertThat(m.headers().firstValue("Docker-Content-Digest")).contains(digest);
        }
    }

    @Test
    void tokenRegistryWantsABearerToken() throws Exception {
        try (TokenServer tokens = TokenServer.builder().user("ci", "to:ken").start();
                DockerRegistry registry =
                        DockerRegistry.builder().tokenAuth(tokens).start()) {
            HttpClient http = registry.newHttpClient();
            String digest = new ImagePusher(registry, "ci", "to:ken")
                    .push("base/alpine", "3.16", TestImages.image("base/alpine:3.16"));
            assertThat(tokens.requests("ci")).as("one token for the whole push").isEqualTo(1);

            String manifest = registry.url() + "/v2/base/alpine/manifests/3.16";
            HttpResponse<byte[]> challenge = get(http, manifest, null);
            assertThat(challenge.statusCode()).isEqualTo(401);
            assertThat(challenge.headers().firstValue("WWW-Authenticate"))
                    .hasValueSatisfying(v -> assertThat(v)
                            .startsWith("Bearer realm=\"" + tokens.realm() + "\"")
                            .contains("scope=\"repository:base/alpine:pull\""));

            String scope = "?service=" + tokens.service() + "&scope=repository:base/alpine:pull";
            HttpResponse<byte[]> t = get(http, tokens.realm() + scope, basic("ci", "to:ken"));
            JsonNode token = Util.JSON.readTree(t.body());
            assertThat(token.get("expires_in").asInt()).isEqualTo(300);
            HttpResponse<byte[]> pulled =
                    get(http, manifest, "Bearer " + token.get("token").asText());
            assertThat(pulled.statusCode()).isEqualTo(200);
            assertThat(pulled.headers().firstValue("Docker-Content-Digest")).contains(digest);

            assertThat(get(http, tokens.realm() + scope, basic("ci", "wrong")).statusCode())
                    .isEqualTo(401);
            String anonymous = Util.JSON
                    .readTree(get(http, tokens.realm() + scope, null).body())
                    .get("token")
                    .asText();
            assertThat(get(http, manifest, "Bearer " + anonymous).statusCode())
                    .as("anonymous pull not allowed")
                    .isEqualTo(401);
            tokens.anonymousPull(true);
            anonymous = Util.JSON
                    .readTree(get(http, tokens.realm() + scope, null).body())
                    .get("token")
                    .asText();
            assertThat(get(http, manifest, "Bearer " + anonymous).statusCode()).isEqualTo(200);
            assertThat(tokens.requests(TokenServer.ANONYMOUS)).isEqualTo(2);
            assertThat(tokens.refused()).isEqualTo(1);
        }
    }

    @Test
    void tlsRegistryIsTrustedThroughItsCa() throws Exception {
        try (TestCa ca = TestCa.create();
                DockerRegistry registry = DockerRegistry.builder().tls(ca).start()) {
            assertThat(registry.url()).startsWith("https://127.0.0.1:");
            assertThat(get(registry.newHttpClient(), registry.url() + "/v2/", null)
                            .statusCode())
                    .isEqualTo(200);
            HttpClient untrusting =
                    HttpClient.newBuilder().connectTimeout(Util.HTTP_TIMEOUT).build();
            assertThatThrownBy(() -> get(untrusting, registry.url() + "/v2/", null))
                    .isInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    void hostileRegistryMisbehavesOnDemand() throws Exception {
        try (DockerRegistry registry = DockerRegistry.plain();
                HostileRegistry hostile = new HostileRegistry(registry)) {
            TestImage image = TestImages.image("base/alpine:3.16");
            // Pushed through the proxy: upload sessions must come back to it.
            new ImagePusher(hostile.url(), registry.newHttpClient(), null, null).push("base/alpine", "3.16", image);
            HttpClient http = registry.newHttpClient();
            String blobUrl = hostile.url() + "/v2/base/alpine/blobs/"
                    + image.layerDigests().get(0);
            assertThat(get(http, hostile.url() + "/v2/base/alpine/manifests/3.16", null)
                            .headers()
                            .firstValue("Docker-Content-Digest"))
                    .contains(image.digest());
            assertThat(Util.digest(get(http, blobUrl, null).body()))
                    .isEqualTo(image.layerDigests().get(0));
            HttpResponse<Void> head = http.send(
                    HttpRequest.newBuilder(URI.create(blobUrl))
                            .timeout(Util.HTTP_TIMEOUT)
                            .method("HEAD", HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            assertThat(head.headers().firstValueAsLong("Content-Length"))
                    .hasValue(image.layers().get(0).size());
            HttpResponse<Void> upload = http.send(
                    HttpRequest.newBuilder(URI.create(hostile.url() + "/v2/base/alpine/blobs/uploads/"))
                            .timeout(Util.HTTP_TIMEOUT)
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            assertThat(upload.headers().firstValue("Location"))
                    .hasValueSatisfying(l -> assertThat(l).startsWith(hostile.url() + "/v2/"));

            hostile.corruptBlob(image.layerDigests().get(0));
            byte[] corrupt = get(http, blobUrl, null).body();
            assertThat(corrupt).hasSize((int) image.layers().get(0).size());
            assertThat(Util.digest(corrupt)).isNotEqualTo(image.layerDigests().get(0));
            hostile.heal();

            hostile.redirectBlobs();
            HttpResponse<byte[]> redirect = get(http, blobUrl, "Bearer secret");
            assertThat(redirect.statusCode()).isEqualTo(307);
            String location = redirect.headers().firstValue("Location").orElseThrow();
            assertThat(location).startsWith("http://" + hostile.redirectHost() + "/");
            assertThat(Util.digest(get(http, location, null).body()))
                    .isEqualTo(image.layerDigests().get(0));
            assertThat(hostile.redirectSawAuthorization()).isFalse();
            get(http, location, "Bearer secret");
            assertThat(hostile.redirectSawAuthorization()).isTrue();
            hostile.heal();

            hostile.stallBlob(null, 100);
            HttpResponse<InputStream> stalled = http.send(
                    HttpRequest.newBuilder(URI.create(blobUrl))
                            .timeout(Util.HTTP_TIMEOUT)
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(stalled.statusCode()).isEqualTo(200);
            InputStream body = stalled.body();
            assertThat(body.readNBytes(100)).hasSize(100);
            CompletableFuture<Integer> more = CompletableFuture.supplyAsync(() -> {
                try {
                    return body.read();
                } catch (IOException e) {
                    return -2;
                }
            });
            assertThatThrownBy(() -> more.get(1, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
            hostile.heal();
            assertThat(more.get(30, TimeUnit.SECONDS))
                    .as("released: the connection closes short")
                    .isIn(-1, -2);

            hostile.failAll(429);
            int before = hostile.requests();
            assertThat(get(http, hostile.url() + "/v2/", null).statusCode()).isEqualTo(429);
            assertThat(get(http, blobUrl, null).statusCode()).isEqualTo(429);
            assertThat(hostile.requests() - before).isEqualTo(2);
        }
    }

    @Test
    void aBigLayerStreamsFromDisk() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("dnsprobe-biglayer");
        try {
            java.nio.file.Path content = dir.resolve("content");
            byte[] chunk = new byte[1 << 20];
            new java.util.Random(1).nextBytes(chunk);
            try (var out = java.nio.file.Files.newOutputStream(content)) {
                for (int i = 0; i < 8; i++) {
                    out.write(chunk);
                }
            }
            Layer big = Layer.builder().file("data/blob.bin", content, 0644).buildTo(dir.resolve("layer.tar.gz"));
            assertThat(big.file()).isPresent();
            assertThat(big.size()).isEqualTo(java.nio.file.Files.size(dir.resolve("layer.tar.gz")));
            try (InputStream in = new GZIPInputStream(big.openBlob())) {
                assertThat(Util.digest(in.readAllBytes())).isEqualTo(big.diffId());
            }
            assertThatThrownBy(big::tar).isInstanceOf(IllegalStateException.class);
        } finally {
            Cleanup.deleteTree(dir);
        }
    }

    private static byte[] blob(HttpClient http, DockerRegistry registry, String repository, String digest)
            throws Exception {
        HttpResponse<byte[]> r = get(http, registry.url() + "/v2/" + repository + "/blobs/" + digest, null);
        assertThat(r.statusCode()).as(repository + "@" + digest).isEqualTo(200);
        return r.body();
    }

    private static HttpResponse<byte[]> get(HttpClient http, String url, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .timeout(Util.HTTP_TIMEOUT)
                .header("Accept", DockerRegistry.MANIFEST_ACCEPT)
                .GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] gunzip(byte[] gz) throws IOException {
        return new GZIPInputStream(new ByteArrayInputStream(gz)).readAllBytes();
    }

    /** Name to content (symlinks and directories map to empty arrays). */
    private static Map<String, byte[]> files(byte[] tar) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                files.put(e.getName(), in.readAllBytes());
            }
        }
        return files;
    }
}
