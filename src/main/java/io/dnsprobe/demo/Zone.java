package io.dnsprobe.demo;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/** Records served by {@link LoopbackDnsServer}: a plain map, built fluently. Not thread-safe while built. */
public final class Zone {
    private static final long TTL = 30;
    private final Map<String, List<Record>> records = new LinkedHashMap<>();

    public Zone a(String name, String... addresses) {
        for (String address : addresses) {
            add(new ARecord(name(name), DClass.IN, TTL, ip(address)));
        }
        return this;
    }

    /** {@code count} A records 10.x.y.z numbered from 1, like the pods behind a headless Service. */
    public Zone manyA(String name, int count) {
        for (int i = 1; i <= count; i++) {
            add(new ARecord(
                    name(name), DClass.IN, TTL, ip("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255))));
        }
        return this;
    }

    public Zone manyAaaa(String name, int count) {
        for (int i = 1; i <= count; i++) {
            add(new AAAARecord(name(name), DClass.IN, TTL, ip("fd00::" + Integer.toHexString(i))));
        }
        return this;
    }

    public Zone cname(String name, String target) {
        add(new CNAMERecord(name(name), DClass.IN, TTL, name(target)));
        return this;
    }

    /** A name that exists without addresses: A and AAAA queries get NODATA. */
    public Zone txt(String name, String text) {
        add(new TXTRecord(name(name), DClass.IN, TTL, text));
        return this;
    }

    /** Every record, in the order added: what a zone file of this zone would hold. */
    public List<Record> records() {
        return records.values().stream().flatMap(List::stream).toList();
    }

    public List<Record> lookup(Name name, int type) {
        return records.getOrDefault(key(name), List.of()).stream()
                .filter(r -> r.getType() == type)
                .toList();
    }

    public boolean exists(Name name) {
        return records.containsKey(key(name));
    }

    public Record cnameAt(Name name) {
        List<Record> cnames = lookup(name, Type.CNAME);
        return cnames.isEmpty() ? null : cnames.get(0);
    }

    private void add(Record r) {
        records.computeIfAbsent(key(r.getName()), k -> new ArrayList<>()).add(r);
    }

    private static String key(Name name) {
        return name.toString().toLowerCase(Locale.ROOT);
    }

    static Name name(String name) {
        try {
            return Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal); // literals only: no lookup happens
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
