package io.dnsprobe.probe;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A reply as a person reads it: rcode, flags and the answer section. Parsed with dnsjava from the
 * recorded bytes; the libc models do not use this view, they parse the bytes as each libc does.
 */
public record DnsReply(int id, String rcode, boolean tc, boolean aa, int answerCount, List<Answer> answers) {

    public record Answer(String name, String type, long ttl, String data) {}

    public DnsReply {
        answers = List.copyOf(answers);
    }

    /** Parses a reply; records past a truncation point are simply absent, as in the bytes. */
    public static DnsReply parse(byte[] wire) throws IOException {
        Message message = new Message(wire);
        Header header = message.getHeader();
        List<Answer> answers = new ArrayList<>();
        for (Record r : message.getSection(Section.ANSWER)) {
            answers.add(
                    new Answer(r.getName().toString(true), Type.string(r.getType()), r.getTTL(), r.rdataToString()));
        }
        return new DnsReply(
                header.getID(),
                Rcode.string(header.getRcode()),
                header.getFlag(Flags.TC),
                header.getFlag(Flags.AA),
                header.getCount(Section.ANSWER),
                answers);
    }

    public long addressCount(String type) {
        return answers.stream().filter(a -> a.type().equals(type)).count();
    }
}
