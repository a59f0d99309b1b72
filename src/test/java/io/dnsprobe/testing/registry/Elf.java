package io.dnsprobe.testing.registry;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Small but well-formed ELF64 files standing in for real binaries: a valid header and program headers (for a
 * dynamic executable a PT_INTERP naming the loader and a PT_DYNAMIC whose DT_NEEDED names the libc, so tools
 * reading either see the right libc), then NUL-separated strings as a binary's rodata holds them. No sections.
 */
final class Elf {
    enum Type {
        EXECUTABLE_STATIC,
        EXECUTABLE_DYNAMIC,
        SHARED_OBJECT
    }

    private static final int EHDR = 64;
    private static final int PHDR = 56;
    private static final int PT_LOAD = 1;
    private static final int PT_DYNAMIC = 2;
    private static final int PT_INTERP = 3;
    private static final int PT_PHDR = 6;

    private Elf() {}

    /**
     * @param machine "x86_64" or "aarch64"
     * @param interpreter the loader path for EXECUTABLE_DYNAMIC, else ignored
     * @param needed DT_NEEDED libraries (EXECUTABLE_DYNAMIC), else ignored
     * @param strings rodata strings, each written NUL-terminated
     */
    static byte[] build(Type type, String machine, String interpreter, List<String> needed, List<String> strings) {
        boolean exe = type == Type.EXECUTABLE_DYNAMIC;
        boolean dynamic = type != Type.EXECUTABLE_STATIC;
        int phnum = exe ? 4 : dynamic ? 2 : 1;
        long base = type == Type.EXECUTABLE_STATIC ? 0x400000L : 0;
        byte[] interp = exe ? (interpreter + "\0").getBytes(StandardCharsets.US_ASCII) : new byte[0];

        ByteArrayOutputStream dynstr = new ByteArrayOutputStream();
        dynstr.write(0);
        int[] neededAt = new int[exe ? needed.size() : 0];
        for (int i = 0; i < neededAt.length; i++) {
            neededAt[i] = dynstr.size();
            dynstr.writeBytes((needed.get(i) + "\0").getBytes(StandardCharsets.US_ASCII));
        }
        while (dynstr.size() % 8 != 0) {
            dynstr.write(0);
        }
        int dynEntries = dynamic
                ? neededAt.length + (exe ? 4 : 3)
                : 0; // DT_NEEDED..., DT_STRTAB, DT_STRSZ, [DT_FLAGS_1], DT_NULL

        ByteArrayOutputStream rodata = new ByteArrayOutputStream();
        // Zero bytes first, as between sections, so the first string is NUL-delimited on both sides.
        rodata.writeBytes(new byte[16]);
        for (String s : strings) {
            rodata.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            rodata.write(0);
        }
        rodata.writeBytes(new byte[(int) (512 - rodata.size() % 512)]);

        int interpOff = EHDR + phnum * PHDR;
        int strOff = align8(interpOff + interp.length);
        int dynOff = strOff + (dynamic ? dynstr.size() : 0);
        int rodataOff = dynOff + dynEntries * 16;
        int total = rodataOff + rodata.size();

        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        b.putShort((short) (dynamic ? 3 : 2)); // ET_DYN (PIE executables too) or ET_EXEC
        b.putShort((short) (machine.equals("aarch64") ? 183 : 62));
        b.putInt(1);
        b.putLong(base + rodataOff); // e_entry: inside the load segment
        b.putLong(EHDR);
        b.putLong(0); // no section headers
        b.putInt(0);
        b.putShort((short) EHDR);
        b.putShort((short) PHDR);
        b.putShort((short) phnum);
        b.putShort((short) 64);
        b.putShort((short) 0);
        b.putShort((short) 0);
        if (exe) {
            phdr(b, PT_PHDR, 4, EHDR, base + EHDR, (long) phnum * PHDR, 8);
            phdr(b, PT_INTERP, 4, interpOff, base + interpOff, interp.length, 1);
        }
        phdr(b, PT_LOAD, 5, 0, base, total, 0x1000);
        if (dynamic) {
            phdr(b, PT_DYNAMIC, 6, dynOff, base + dynOff, dynEntries * 16L, 8);
        }
        b.put(interp);
        b.position(strOff);
        if (dynamic) {
            b.put(dynstr.toByteArray());
            for (int at : neededAt) {
                b.putLong(1).putLong(at); // DT_NEEDED
            }
            b.putLong(5).putLong(base + strOff); // DT_STRTAB
            b.putLong(10).putLong(dynstr.size()); // DT_STRSZ
            if (exe) {
                b.putLong(0x6ffffffbL).putLong(0x08000000L); // DT_FLAGS_1 = DF_1_PIE: a PIE executable, not a library
            }
            b.putLong(0).putLong(0); // DT_NULL
        }
        b.position(rodataOff);
        b.put(rodata.toByteArray());
        return b.array();
    }

    private static int align8(int n) {
        return (n + 7) & ~7;
    }

    private static void phdr(ByteBuffer b, int type, int flags, long offset, long vaddr, long size, long align) {
        b.putInt(type);
        b.putInt(flags);
        b.putLong(offset);
        b.putLong(vaddr);
        b.putLong(vaddr);
        b.putLong(size);
        b.putLong(size);
        b.putLong(align);
    }
}
