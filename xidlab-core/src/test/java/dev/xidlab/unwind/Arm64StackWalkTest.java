package dev.xidlab.unwind;

import static dev.xidlab.unwind.TestImage.BASE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The arm64 frame-pointer chain: x29 points at a frame record {previous x29, saved lr}; the innermost function's
 * caller is in lr until that function stores its own record.
 */
class Arm64StackWalkTest {

    static final long S = TestStack.BASE + 0x100;
    static final long PC = BASE + 0x1010;
    static final long LR = BASE + 0x2004;

    final TestStack stack = new TestStack(0x200);

    /** Three records above S: S+0x40 -> S+0x80 -> S+0xC0 -> end of chain. */
    private void threeRecords() {
        stack.put(S + 0x40, S + 0x80).put(S + 0x48, BASE + 0x3008)
                .put(S + 0x80, S + 0xC0).put(S + 0x88, BASE + 0x3108)
                .put(S + 0xC0, 0).put(S + 0xC8, BASE + 0x3208);
    }

    private static CodeMap withoutImage() {
        return new CodeMap(List.of(new CodeModule("ntoskrnl.exe", BASE, 0x4000, Optional::empty)));
    }

    private static List<String> describe(CallStack s) {
        return s.frames().stream().map(f -> f.describe() + " " + f.source().label()).toList();
    }

    @Test
    void theChainOfFrameRecordsGivesEachCallersReturnAddress() {
        threeRecords();

        CallStack s = new Arm64StackWalk(withoutImage(), stack, TestStack.END).walk("test", new Arm64Context(PC, S, S + 0x40,
                BASE + 0x3008));

        assertEquals(List.of("ntoskrnl.exe+0x1010 context", "ntoskrnl.exe+0x3008 fp-chain",
                "ntoskrnl.exe+0x3108 fp-chain", "ntoskrnl.exe+0x3208 fp-chain"), describe(s));
        assertEquals(List.of(), s.notes());
    }

    @Test
    void withoutAnImageLrIsTheCallerWhenTheFirstRecordSavedAnotherAddress() {
        threeRecords();

        CallStack s = new Arm64StackWalk(withoutImage(), stack, TestStack.END).walk("test", new Arm64Context(PC, S, S + 0x40, LR));

        assertEquals("ntoskrnl.exe+0x2004 context", describe(s).get(1), "a leaf: its caller is still only in lr");
        assertEquals(5, s.frames().size());
    }

    @Test
    void withAnImageAFunctionPastItsPrologHasItsRecordInPlaceAndLrIsStale() {
        CallStack s = walkInFramedFunction(PC);

        assertEquals(List.of("x.sys+0x1010 context", "x.sys+0x3008 fp-chain", "x.sys+0x3108 fp-chain",
                "x.sys+0x3208 fp-chain"), describe(s));
    }

    @Test
    void withAnImageAFunctionStoppedInItsPrologHasItsCallerInLr() {
        CallStack s = walkInFramedFunction(BASE + 0x1004);

        assertEquals("x.sys+0x2004 context", describe(s).get(1));
    }

    /** The three records' walk from {@code pc} in x.sys, whose function at 0x1000 keeps a frame record. */
    private CallStack walkInFramedFunction(long pc) {
        threeRecords();
        TestImage image = new TestImage();
        // packed: Flag 1, FunctionLength 0x40 instructions, CR 3 (stp fp,lr; mov fp,sp), FrameSize 2.
        image.arm64Entry(0x1000, 1 | 0x40 << 2 | 3 << 21 | 2 << 23);
        return new Arm64StackWalk(new CodeMap(List.of(image.arm64Module("x.sys"))), stack, TestStack.END)
                .walk("test", new Arm64Context(pc, S, S + 0x40, LR));
    }

    @Test
    void anUnchainedFunctionNeverHasItsOwnRecord() {
        Arm64FunctionTable.Function leaf = Arm64FunctionTable.packed(0x1000, 1 | 0x10 << 2 | 1 << 16).orElseThrow();

        assertFalse(leaf.framed());
        assertFalse(leaf.recordInPlace(0x1020));
    }

    @Test
    void unpackedUnwindCodesThatSaveFpLrAndSetFpKeepARecord() {
        TestImage image = new TestImage();
        // .xdata: FunctionLength 0x40, E=1 (single epilog, no scopes), CodeWords 1;
        // codes: set_fp (E1), save_fplr_x (0x81: stp fp,lr,[sp,#-16]!), end (E4).
        int xdata = image.xdata(0x40 | 1 << 21 | 1 << 27, 0x00E481E1);
        image.arm64Entry(0x1000, xdata);
        CodeModule m = image.arm64Module("x.sys");
        Arm64FunctionTable table = new Arm64FunctionTable(m.image().orElseThrow().bytes(),
                m.image().orElseThrow().headers());

        Arm64FunctionTable.Function f = table.lookup(0x1010).orElseThrow();

        assertTrue(f.framed());
        assertEquals(2, f.prologInstructions());
        assertTrue(f.recordInPlace(0x1008));
        assertFalse(f.recordInPlace(0x1004));
    }

    @Test
    void aChainLeavingTheCapturedStackStopsWithANoteAndTheRestIsScanned() {
        stack.put(S + 0x40, 0xffff9b0000001000L).put(S + 0x48, BASE + 0x3008).put(S + 0x60, BASE + 0x3300);

        CallStack s = new Arm64StackWalk(withoutImage(), stack, TestStack.END).walk("test", new Arm64Context(PC, S, S + 0x40,
                BASE + 0x3008));

        assertTrue(s.notes().get(0).startsWith("the frame chain leaves the captured stack at fp"), s.notes().toString());
        assertEquals("ntoskrnl.exe+0x3300 scanned", describe(s).get(describe(s).size() - 1));
    }

    @Test
    void pointerAuthenticationBitsAreStrippedFromReturnAddresses() {
        assertEquals(0xfffff80412345678L, Arm64StackWalk.strip(0xffbaf80412345678L));
        assertEquals(0x00007ff612345678L, Arm64StackWalk.strip(0x002a7ff612345678L));
    }
}
