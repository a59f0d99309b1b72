package io.dnsprobe.demo;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * An authoritative answer for a query, as bytes: a pure function of the zone, the transport and the
 * configured truncation style or fault. {@link LoopbackDnsServer} puts it on sockets; tests call it
 * directly to record probes without a network.
 */
public final class ZoneResponder {
    /** What a UDP reply that does not fit keeps. */
    public enum Truncation {
        PARTIAL,
        EMPTY
    }

    /** Misbehaviour to serve instead of a correct answer. */
    public enum Fault {
        NONE,
        SILENT_UDP,
        GARBAGE,
        WRONG_ID,
        WRONG_QUESTION,
        TCP_STALL,
        TCP_REFUSED,
        SERVFAIL,
        REFUSED
    }

    private static final int UDP_LIMIT = 512;
    private final Zone zone;
    private final Truncation truncation;
    private final Fault fault;

    public ZoneResponder(Zone zone, Truncation truncation, Fault fault) {
        this.zone = zone;
        this.truncation = truncation;
        this.fault = fault;
    }

    /** The reply bytes for one query, or null to stay silent. */
    public byte[] respond(byte[] queryBytes, boolean overUdp) {
        Message query;
        try {
            query = new Message(queryBytes);
        } catch (IOException e) {
            return null;
        }
        int id = query.getHeader().getID();
        if (fault == Fault.GARBAGE) {
            return new byte[] {(byte) (id >> 8), (byte) id, (byte) 0x81, 0x00, 0x00, 0x01, (byte) 0xff, 0x7f, 0x01};
        }
        Record question = query.getQuestion();
        Message response = new Message(id);
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.AA);
        if (query.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        if (fault == Fault.WRONG_QUESTION) {
            response.addRecord(
                    Record.newRecord(Zone.name("other.invalid"), question.getType(), question.getDClass()),
                    Section.QUESTION);
            return response.toWire();
        }
        response.addRecord(question, Section.QUESTION);
        if (fault == Fault.SERVFAIL || fault == Fault.REFUSED) {
            response.getHeader().setRcode(fault == Fault.SERVFAIL ? Rcode.SERVFAIL : Rcode.REFUSED);
            return response.toWire();
        }
        List<Record> answers = answer(question.getName(), question.getType(), response);
        byte[] wire = withAnswers(response, answers, answers.size());
        if (fault == Fault.WRONG_ID) {
            wire[0] ^= (byte) 0x5a;
        }
        OPTRecord opt = query.getOPT();
        int limit = opt == null ? UDP_LIMIT : Math.max(UDP_LIMIT, opt.getPayloadSize());
        if (!overUdp || wire.length <= limit) {
            return wire;
        }
        int keep = 0;
        if (truncation == Truncation.PARTIAL) {
            while (keep < answers.size() && withAnswers(response, answers, keep + 1).length <= limit) {
                keep++;
            }
        }
        byte[] cut = withAnswers(response, answers, keep);
        cut[2] |= 0x02; // TC
        return cut;
    }

    private List<Record> answer(Name qname, int qtype, Message response) {
        List<Record> out = new ArrayList<>();
        Name name = qname;
        for (int hops = 0; hops < 16; hops++) {
            Record cname = zone.cnameAt(name);
            if (cname == null || qtype == cname.getType()) {
                break;
            }
            out.add(cname);
            name = ((CNAMERecord) cname).getTarget();
        }
        if (!zone.exists(name)) {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
            return out;
        }
        out.addAll(zone.lookup(name, qtype));
        return out;
    }

    private static byte[] withAnswers(Message base, List<Record> answers, int count) {
        Message m = base.clone();
        m.removeAllRecords(Section.ANSWER);
        for (int i = 0; i < count; i++) {
            m.addRecord(answers.get(i), Section.ANSWER);
        }
        return m.toWire();
    }
}
