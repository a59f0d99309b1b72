package io.dnsprobe.server;

import io.dnsprobe.image.ImageInspection;
import io.dnsprobe.image.ImageInspector;
import io.dnsprobe.image.Libc;
import io.dnsprobe.image.RegistryException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Image inspection metrics. Label values are fixed sets (libc kinds, error classes, two caches), so the
 * series count does not grow with the number of images:
 * {@code dnsprobe_image_inspections_total{result}}, {@code dnsprobe_image_inspection_seconds},
 * {@code dnsprobe_image_cache_requests_total{cache,outcome}}, {@code dnsprobe_image_bytes_read_total},
 * {@code dnsprobe_image_registry_errors_total{class}}, and gauges of what the caches hold.
 */
final class ImageMetrics implements ImageInspector.Listener {
    private final Map<Libc.Kind, Counter> byLibc = new EnumMap<>(Libc.Kind.class);
    private final Counter failed;
    private final Timer duration;
    private final Map<String, Counter> cache = new java.util.HashMap<>();
    private final Counter bytes;
    private final Counter uncompressed;
    private final Map<RegistryException.Kind, Counter> errors = new EnumMap<>(RegistryException.Kind.class);

    ImageMetrics(MeterRegistry registry) {
        for (Libc.Kind k : Libc.Kind.values()) {
            byLibc.put(k, inspections(registry, k.name().toLowerCase(Locale.ROOT)));
        }
        failed = inspections(registry, "failed");
        duration = Timer.builder("dnsprobe.image.inspection")
                .description("Time to read one image, cached layers included")
                .register(registry);
        for (String c : new String[] {"image", "layer"}) {
            for (String outcome : new String[] {"hit", "miss"}) {
                cache.put(
                        c + outcome,
                        Counter.builder("dnsprobe.image.cache.requests")
                                .description("Image and layer cache lookups")
                                .tag("cache", c)
                                .tag("outcome", outcome)
                                .register(registry));
            }
        }
        bytes = Counter.builder("dnsprobe.image.bytes.read")
                .baseUnit("bytes")
                .description("Layer bytes read from registries, as sent (compressed)")
                .register(registry);
        uncompressed = Counter.builder("dnsprobe.image.bytes.scanned")
                .baseUnit("bytes")
                .description("Layer bytes scanned after decompression")
                .register(registry);
        for (RegistryException.Kind k : RegistryException.Kind.values()) {
            errors.put(
                    k,
                    Counter.builder("dnsprobe.image.registry.errors")
                            .description("Images that could not be read, by cause")
                            .tag("class", k.name().toLowerCase(Locale.ROOT))
                            .register(registry));
        }
    }

    private static Counter inspections(MeterRegistry registry, String result) {
        return Counter.builder("dnsprobe.image.inspections")
                .description("Images read, by the libc found (or failed)")
                .tag("result", result)
                .register(registry);
    }

    static void gauges(MeterRegistry registry, ImageInspector inspector) {
        Gauge.builder("dnsprobe.image.cached.images", inspector, ImageInspector::cachedImages)
                .description("Images whose result is cached")
                .register(registry);
        Gauge.builder("dnsprobe.image.cached.layers", inspector, ImageInspector::cachedLayers)
                .description("Layers whose facts are cached")
                .register(registry);
        Gauge.builder("dnsprobe.image.cached.layer.bytes", inspector, ImageInspector::cachedLayerBytes)
                .baseUnit("bytes")
                .description("Estimated heap held by cached layer facts")
                .register(registry);
    }

    @Override
    public void inspected(ImageInspection r) {
        if (r.failed()) {
            failed.increment();
        } else {
            byLibc.get(r.libc().kind()).increment();
        }
        duration.record(r.took());
    }

    @Override
    public void cacheHit(String c) {
        Counter counter = cache.get(c + "hit");
        if (counter != null) {
            counter.increment();
        }
    }

    @Override
    public void cacheMiss(String c) {
        Counter counter = cache.get(c + "miss");
        if (counter != null) {
            counter.increment();
        }
    }

    @Override
    public void layerRead(long compressedBytes, long uncompressedBytes) {
        bytes.increment(compressedBytes);
        uncompressed.increment(uncompressedBytes);
    }

    @Override
    public void registryError(RegistryException.Kind kind) {
        errors.get(kind).increment();
    }
}
