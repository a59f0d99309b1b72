package io.dnsprobe.conformance;

import io.dnsprobe.demo.Zone;
import java.util.function.Consumer;

/**
 * One name to resolve and the records that make it interesting.
 *
 * @param name what the application passes to getaddrinfo (relative, with dots, or absolute)
 * @param records adds this scenario's records to the shared zone data
 */
record Scenario(String id, String kind, String name, Consumer<Zone> records) {}
