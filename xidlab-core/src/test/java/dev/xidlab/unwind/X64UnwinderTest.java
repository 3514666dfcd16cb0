package dev.xidlab.unwind;

import static dev.xidlab.unwind.TestImage.BASE;
import static dev.xidlab.unwind.TestImage.info;
import static dev.xidlab.unwind.TestImage.slot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each unwind operation of the x64 ABI against a hand-made function: the prolog it describes, a stack as that
 * prolog leaves it, and the caller's registers the unwinder must recover.
 */
class X64UnwinderTest {

    static final int PUSH = 0;
    static final int ALLOC_LARGE = 1;
    static final int ALLOC_SMALL = 2;
    static final int SET_FPREG = 3;
    static final int SAVE_NONVOL = 4;
    static final int SAVE_NONVOL_FAR = 5;
    static final int SAVE_XMM128 = 8;
    static final int SAVE_XMM128_FAR = 9;
    static final int MACHFRAME = 10;
    static final int RBX = 3;
    static final int RBP = 5;
    static final int RSI = 6;
    static final int RDI = 7;
    static final int CHAININFO = 4;

    static final long S = TestStack.BASE + 0x100;
    static final long RET = 0xfffff80411112222L;

    final TestImage image = new TestImage();
    final TestStack stack = new TestStack(0x2200);

    /** One step up from {@code rva} in the test image; returnAddress: rip is a caller's, not where a thread stopped. */
    private X64Unwinder.Step step(long rva, X64Context ctx, boolean returnAddress) {
        return new X64Unwinder(stack).unwind(ctx.withRip(BASE + rva), BASE, image.table(), returnAddress);
    }

    private X64Unwinder.Step.Unwound unwind(long rva, X64Context ctx) {
        X64Unwinder.Step step = step(rva, ctx, false);
        return assertInstanceOf(X64Unwinder.Step.Unwound.class, step, step.toString());
    }

    /** The caller resumes at RET with its stack pointer at {@code rsp}. */
    private static void assertReturnsTo(X64Context caller, long rsp) {
        assertEquals(RET, caller.rip());
        assertEquals(rsp, caller.rsp());
    }

    private static X64Context at(long rsp) {
        return X64Context.full(new long[16], 0).with(X64Context.RSP, rsp);
    }

    @Test
    void aFunctionWithoutAnEntryIsALeafWhoseReturnAddressIsAtRsp() {
        stack.put(S, RET);

        X64Context caller = unwind(0x1800, at(S)).caller();

        assertReturnsTo(caller, S + 8);
    }

    @Test
    void pushNonvolRestoresEachPushedRegisterInReverseOrder() {
        image.function(0x1000, 0x1100, info(0, 2, 0, 0, slot(2, PUSH, RDI), slot(1, PUSH, RBX)));
        stack.put(S, 0x7D).put(S + 8, 0x3B).put(S + 16, RET);

        X64Context caller = unwind(0x1050, at(S)).caller();

        assertEquals(OptionalLong.of(0x7D), caller.get(RDI));
        assertEquals(OptionalLong.of(0x3B), caller.get(RBX));
        assertReturnsTo(caller, S + 24);
    }

    @Test
    void aPrologStoppedHalfwayUndoesOnlyTheInstructionsThatRan() {
        image.function(0x1000, 0x1100, info(0, 2, 0, 0, slot(2, PUSH, RDI), slot(1, PUSH, RBX)));
        stack.put(S, 0x3B).put(S + 8, RET);

        X64Context caller = unwind(0x1001, at(S).with(RDI, 0x99)).caller();

        assertEquals(OptionalLong.of(0x3B), caller.get(RBX));
        assertEquals(OptionalLong.of(0x99), caller.get(RDI), "push rdi had not run");
        assertEquals(RET, caller.rip());
    }

    @Test
    void allocSmallFreesEightTimesItsInfoPlusEight() {
        image.function(0x1000, 0x1100, info(0, 4, 0, 0, slot(4, ALLOC_SMALL, 4)));
        stack.put(S + 0x28, RET);

        assertEquals(RET, unwind(0x1050, at(S)).caller().rip());
    }

    @Test
    void allocLargeWithInfoZeroFreesTheNextSlotTimesEight() {
        image.function(0x1000, 0x1100, info(0, 7, 0, 0, slot(7, ALLOC_LARGE, 0), 0x200));
        stack.put(S + 0x1000, RET);

        assertEquals(S + 0x1008, unwind(0x1050, at(S)).caller().rsp());
    }

    @Test
    void allocLargeWithInfoOneFreesTheNextTwoSlotsUnscaled() {
        image.function(0x1000, 0x1100, info(0, 7, 0, 0, slot(7, ALLOC_LARGE, 1), 0x0340, 0x1));
        stack.put(S + 0x10340, RET);

        assertEquals(RET, unwind(0x1050, at(S)).caller().rip());
    }

    @Test
    void setFpregRecoversRspFromTheFrameRegisterWhateverTheBodyDidToRsp() {
        // push rbp; sub rsp, 0x40; lea rbp, [rsp+0x20]; then the body moved rsp down by 0x100 (an alloca).
        image.function(0x1000, 0x1100, info(0, 10, RBP, 2, slot(10, SET_FPREG, 0), slot(5, ALLOC_SMALL, 7),
                slot(1, PUSH, RBP)));
        long established = S + 0x100;
        stack.put(established + 0x40, 0xBB).put(established + 0x48, RET);

        X64Context caller = unwind(0x1050, at(S).with(RBP, established + 0x20)).caller();

        assertEquals(OptionalLong.of(0xBB), caller.get(RBP));
        assertReturnsTo(caller, established + 0x50);
    }

    @Test
    void saveNonvolReadsTheRegisterAtItsScaledOffsetFromTheFrame() {
        image.function(0x1000, 0x1100, info(0, 9, 0, 0, slot(9, SAVE_NONVOL, RBX), 0x40 / 8,
                slot(4, ALLOC_SMALL, 6)));
        stack.put(S + 0x40, 0x3B).put(S + 0x38, RET);

        X64Context caller = unwind(0x1050, at(S)).caller();

        assertEquals(OptionalLong.of(0x3B), caller.get(RBX));
        assertEquals(RET, caller.rip());
    }

    @Test
    void saveNonvolFarReadsAnUnscaledThirtyTwoBitOffset() {
        image.function(0x1000, 0x1100, info(0, 12, 0, 0, slot(12, SAVE_NONVOL_FAR, RSI), 0x0008, 0x1,
                slot(7, ALLOC_LARGE, 0), 0x10000 / 8));
        stack.put(S + 0x10008, 0x51).put(S + 0x10000, RET);

        X64Context caller = unwind(0x1050, at(S)).caller();

        assertEquals(OptionalLong.of(0x51), caller.get(RSI));
        assertEquals(RET, caller.rip());
    }

    @Test
    void saveXmm128AndItsFarFormChangeNoIntegerRegisterAndKeepTheSlotsAligned() {
        image.function(0x1000, 0x1100, info(0, 14, 0, 0, slot(14, SAVE_XMM128_FAR, 7), 0x40, 0,
                slot(9, SAVE_XMM128, 6), 0x30 / 16, slot(4, ALLOC_SMALL, 8)));
        stack.put(S + 0x48, RET);

        X64Context caller = unwind(0x1050, at(S).with(RBX, 0x77)).caller();

        assertEquals(RET, caller.rip());
        assertEquals(OptionalLong.of(0x77), caller.get(RBX));
    }

    @Test
    void pushMachframeWithAnErrorCodeTakesRipAndRspFromTheTrapFrame() {
        image.function(0x1000, 0x1100, info(0, 1, 0, 0, slot(1, PUSH, RBP), slot(0, MACHFRAME, 1)));
        long interrupted = 0xfffff80422223333L;
        stack.put(S, 0xBB).put(S + 8, 0x2 /* error code */).put(S + 16, interrupted).put(S + 24, 0x10)
                .put(S + 32, 0x246).put(S + 40, S + 0x800).put(S + 48, 0x18);

        X64Unwinder.Step.Unwound step = unwind(0x1050, at(S));

        assertTrue(step.machineFrame());
        assertEquals(interrupted, step.caller().rip());
        assertEquals(S + 0x800, step.caller().rsp());
        assertEquals(OptionalLong.of(0xBB), step.caller().get(RBP));
    }

    @Test
    void pushMachframeWithoutAnErrorCodeStartsAtRsp() {
        image.function(0x1000, 0x1100, info(0, 0, 0, 0, slot(0, MACHFRAME, 0)));
        long interrupted = 0xfffff80422223333L;
        stack.put(S, interrupted).put(S + 24, S + 0x400);

        X64Unwinder.Step.Unwound step = unwind(0x1050, at(S));

        assertEquals(interrupted, step.caller().rip());
        assertEquals(S + 0x400, step.caller().rsp());
    }

    @Test
    void chainedUnwindInfoAppliesTheParentsPrologAfterTheFragmentsOwn() {
        int parentInfo = image.function(0x1000, 0x1080, info(0, 5, 0, 0, slot(5, ALLOC_SMALL, 3),
                slot(1, PUSH, RBX)));
        image.function(0x1200, 0x1240, info(CHAININFO, 0, 0, 0, slot(0, SAVE_NONVOL, RSI), 0x30 / 8),
                new RuntimeFunction(0x1000, 0x1080, parentInfo));
        stack.put(S + 0x30, 0x51).put(S + 0x20, 0x3B).put(S + 0x28, RET);

        X64Context caller = unwind(0x1210, at(S)).caller();

        assertEquals(OptionalLong.of(0x51), caller.get(RSI));
        assertEquals(OptionalLong.of(0x3B), caller.get(RBX));
        assertReturnsTo(caller, S + 0x30);
    }

    @Test
    void anIndirectEntryUsesTheFunctionItPointsTo() {
        int unwind = image.function(0x1000, 0x1080, info(0, 4, 0, 0, slot(4, ALLOC_SMALL, 4)));
        image.putInt(0x3F00, 0x1000).putInt(0x3F04, 0x1080).putInt(0x3F08, unwind);
        image.entry(0x1100, 0x1140, 0x3F00 | 1);
        stack.put(S + 0x28, RET);

        assertEquals(RET, unwind(0x1120, at(S)).caller().rip());
    }

    private void functionWithEpilog() {
        // push rbx; sub rsp, 0x20 ... add rsp, 0x20; pop rbx; ret
        image.code(0x1400, 0x53, 0x48, 0x83, 0xEC, 0x20);
        image.code(0x1420, 0x48, 0x83, 0xC4, 0x20, 0x5B, 0xC3);
        image.function(0x1400, 0x1440, info(0, 5, 0, 0, slot(5, ALLOC_SMALL, 3), slot(1, PUSH, RBX)));
    }

    @Test
    void anInstructionPointerOnTheEpilogsAddEmulatesTheWholeEpilog() {
        functionWithEpilog();
        stack.put(S + 0x20, 0x3B).put(S + 0x28, RET);

        X64Unwinder.Step.Unwound step = unwind(0x1420, at(S));

        assertTrue(step.epilog());
        assertEquals(OptionalLong.of(0x3B), step.caller().get(RBX));
        assertEquals(RET, step.caller().rip());
    }

    @Test
    void anInstructionPointerOnAnEpilogsPopDoesNotUndoTheAllocationAgain() {
        functionWithEpilog();
        stack.put(S, 0x3B).put(S + 8, RET);

        X64Unwinder.Step.Unwound step = unwind(0x1424, at(S));

        assertTrue(step.epilog());
        assertEquals(OptionalLong.of(0x3B), step.caller().get(RBX));
        assertReturnsTo(step.caller(), S + 16);
    }

    @Test
    void anInstructionPointerOnRetReturnsToTheAddressAtRsp() {
        functionWithEpilog();
        stack.put(S, RET);

        assertEquals(RET, unwind(0x1425, at(S)).caller().rip());
    }

    /** What follows {@code add rsp, 0x28} (or stands alone) at 0x1520 of a function at 0x1500-0x1540. */
    record Jump(String what, int[] code, boolean epilog) {

        @Override
        public String toString() {
            return what;
        }
    }

    static List<Jump> jumps() {
        return List.of(
                // sub rsp, 0x28 ... add rsp, 0x28; jmp 0x1000 (rel32 -0x529 from 0x1529)
                new Jump("a jump out of the function ends an epilog as a tail call",
                        new int[] {0x48, 0x83, 0xC4, 0x28, 0xE9, 0xD7, 0xFA, 0xFF, 0xFF}, true),
                new Jump("a jump inside the function is not an epilog", new int[] {0xEB, 0x02}, false));
    }

    @ParameterizedTest
    @MethodSource("jumps")
    void aJumpEndsAnEpilogOnlyWhenItLeavesTheFunction(Jump j) {
        image.code(0x1520, j.code());
        image.function(0x1500, 0x1540, info(0, 4, 0, 0, slot(4, ALLOC_SMALL, 4)));
        stack.put(S + 0x28, RET);

        X64Unwinder.Step.Unwound step = unwind(0x1520, at(S));

        assertEquals(j.epilog(), step.epilog());
        assertEquals(RET, step.caller().rip());
    }

    @Test
    void leaRspFromTheFrameRegisterStartsAnEpilog() {
        // push rbp; mov rbp, rsp ... lea rsp, [rbp+0]; pop rbp; ret
        image.code(0x1620, 0x48, 0x8D, 0x65, 0x00, 0x5D, 0xC3);
        image.function(0x1600, 0x1640, info(0, 4, RBP, 0, slot(4, SET_FPREG, 0), slot(1, PUSH, RBP)));
        stack.put(S + 0x80, 0xBB).put(S + 0x88, RET);

        X64Unwinder.Step.Unwound step = unwind(0x1620, at(S).with(RBP, S + 0x80));

        assertTrue(step.epilog());
        assertEquals(OptionalLong.of(0xBB), step.caller().get(RBP));
        assertEquals(RET, step.caller().rip());
    }

    @Test
    void aStackThatWasNotCapturedStopsTheUnwindWithTheAddress() {
        image.function(0x1000, 0x1100, info(0, 1, 0, 0, slot(1, PUSH, RBX)));

        X64Unwinder.Step step = step(0x1050, at(S - 0x1000), false);

        assertTrue(((X64Unwinder.Step.Failed) step).reason().contains("is not in the dump"), step.toString());
    }

    @Test
    void aFramePointerFunctionCannotBeUnwoundWithoutItsFrameRegister() {
        image.function(0x1000, 0x1100, info(0, 4, RBP, 0, slot(4, SET_FPREG, 0), slot(1, PUSH, RBP)));

        X64Unwinder.Step step = step(0x1050, X64Context.of(0, S), false);

        assertEquals(new X64Unwinder.Step.Failed("frame register rbp is unknown"), step);
    }

    @Test
    void aReturnAddressJustPastAFunctionBelongsToTheFunctionHoldingTheCall() {
        // A call as the last instruction of 0x1000-0x1100 (to a no-return routine) returns to 0x1100.
        image.function(0x1000, 0x1100, info(0, 4, 0, 0, slot(4, ALLOC_SMALL, 4)));
        stack.put(S + 0x28, RET);

        X64Unwinder.Step step = step(0x1100, at(S), true);

        assertEquals(RET, ((X64Unwinder.Step.Unwound) step).caller().rip());
    }

    @Test
    void aFunctionTableWhosePageIsMissingStopsTheUnwindInsteadOfTakingTheFrameForALeaf() {
        image.function(0x1000, 0x1100, info(0, 4, 0, 0, slot(4, ALLOC_SMALL, 4)));
        image.withoutPage(TestImage.PDATA);
        stack.put(S, RET);

        X64Unwinder.Step step = step(0x1050, at(S), false);

        assertEquals(new X64Unwinder.Step.Failed("the function table entry at +0x2000 is not readable (its .pdata"
                + " page is not in the image's source)"), step);
    }

    @Test
    void unwindCodesWhoseOperandsRunPastTheirCountAreRefusedAsCorrupt() {
        // ALLOC_LARGE with info 0 takes the next slot as its size, but the header counts only the one slot.
        image.function(0x1000, 0x1100, info(0, 7, 0, 0, slot(7, ALLOC_LARGE, 0)));

        X64Unwinder.Step step = step(0x1050, at(S), false);

        assertEquals(new X64Unwinder.Step.Failed("unwind information of the function at +0x1000 is not readable (or"
                + " its codes overrun their count)"), step);
    }
}
