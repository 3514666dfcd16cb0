package dev.xidlab.unwind;

import static dev.xidlab.unwind.TestImage.BASE;
import static dev.xidlab.unwind.TestImage.info;
import static dev.xidlab.unwind.TestImage.slot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class X64StackWalkTest {

    static final long S = TestStack.BASE + 0x100;
    static final long NT = 0xfffff80470000000L;

    final TestImage image = new TestImage();
    final TestStack stack = new TestStack(0x200);

    private CodeMap map() {
        return new CodeMap(List.of(image.module("x.sys"), new CodeModule("ntoskrnl.exe", NT, 0x100000,
                Optional::empty)));
    }

    private static List<String> describe(CallStack s) {
        return s.frames().stream().map(f -> f.describe() + " " + f.source().label()).toList();
    }

    @Test
    void framesAreUnwoundUntilAModuleWithoutItsImageThenTheRestIsScanned() {
        // x.sys: 0x1000 (sub rsp, 0x28) called from 0x1100 (sub rsp, 0x18), called from ntoskrnl.
        image.code(0x1138, 0xE8, 0, 0, 0, 0);                      // call, so 0x113d may be a return address
        image.function(0x1000, 0x1080, info(0, 4, 0, 0, slot(4, 2, 4)));
        image.function(0x1100, 0x1180, info(0, 4, 0, 0, slot(4, 2, 2)));
        stack.put(S + 0x28, BASE + 0x113d).put(S + 0x30 + 0x18, NT + 0x5000)
                .put(S + 0x58, BASE + 0x0fff0).put(S + 0x60, NT + 0x6000);

        CallStack s = new X64StackWalk(map(), stack, TestStack.END).walk("test", X64Context.of(BASE + 0x1010, S));

        assertEquals(List.of("x.sys+0x1010 context", "x.sys+0x113d unwound", "ntoskrnl.exe+0x5000 unwound",
                "ntoskrnl.exe+0x6000 scanned"), describe(s));
        assertEquals(List.of("the chain stops at ntoskrnl.exe+0x5000: no image of ntoskrnl.exe in the symbol"
                + " path, the rest is scanned"), s.notes());
    }

    @Test
    void aReturnAddressOfZeroEndsTheChainWithoutAScan() {
        image.function(0x1000, 0x1080, info(0, 4, 0, 0, slot(4, 2, 4)));
        stack.put(S + 0x28, 0).put(S + 0x40, NT + 0x6000);

        CallStack s = new X64StackWalk(map(), stack, TestStack.END).walk("test", X64Context.of(BASE + 0x1010, S));

        assertEquals(List.of("x.sys+0x1010 context"), describe(s));
        assertEquals(List.of(), s.notes());
    }

    @Test
    void aTrapFromUserModeEndsTheKernelStack() {
        image.function(0x1000, 0x1080, info(0, 0, 0, 0, slot(0, 10, 0)));   // PUSH_MACHFRAME, no error code
        stack.put(S, 0x00007ff612340000L).put(S + 24, 0x000000a1b2c3d000L);

        CallStack s = new X64StackWalk(map(), stack, TestStack.END).walk("test", X64Context.of(BASE + 0x1010, S));

        assertEquals(2, s.frames().size());
        assertTrue(s.notes().get(0).contains("outside the kernel's modules (a trap from user mode)"), s.notes()
                .toString());
    }

    @Test
    void aScanKeepsOnlyValuesAfterACallWhereTheImageIsAtHand() {
        image.code(0x1200, 0xFF, 0x15, 0, 0, 0, 0);                 // call [rip+0]: returns to 0x1206
        stack.put(S, BASE + 0x1206).put(S + 8, BASE + 0x1300).put(S + 16, BASE + 0x2100);

        List<Frame> scanned = map().scan(stack, S, TestStack.END, 10);

        assertEquals(List.of(BASE + 0x1206), scanned.stream().map(Frame::ip).toList(),
                "0x1300 follows no call; 0x2100 is in .pdata");
    }
}
