package dev.xidlab.unwind;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CallInstructionsTest {

    private static byte[] ending(int... code) {
        byte[] b = new byte[7];
        for (int i = 0; i < code.length; i++) {
            b[7 - code.length + i] = (byte) code[i];
        }
        return b;
    }

    @Test
    void callRel32() {
        assertTrue(CallInstructions.endsWithCall(ending(0xE8, 0x10, 0x20, 0x30, 0x40)));
    }

    @Test
    void callThroughRipRelativeMemory() {
        assertTrue(CallInstructions.endsWithCall(ending(0xFF, 0x15, 0x30, 0xB7, 0x03, 0x00)));
    }

    @Test
    void anImportCallTheKernelRewroteToCallRel32ReturnsOneByteEarlier() {
        // The file holds FF 15 disp32; in memory it became E8 rel32 followed by one byte of padding.
        assertTrue(CallInstructions.endsWithCall(ending(0x00, 0xFF, 0x15, 0x30, 0xB7, 0x03)));
    }

    @Test
    void callThroughARegisterWithRex() {
        assertTrue(CallInstructions.endsWithCall(ending(0x41, 0xFF, 0xD0)));         // call r8
        assertTrue(CallInstructions.endsWithCall(ending(0xFF, 0x50, 0x18)));         // call [rax+18h]
    }

    @Test
    void aJumpOrPlainDataIsNotACall() {
        assertFalse(CallInstructions.endsWithCall(ending(0xFF, 0xE0)));              // jmp rax
        assertFalse(CallInstructions.endsWithCall(ending(0x48, 0x8B, 0x44, 0x24, 0x28)));
    }

    @Test
    void arm64BranchWithLinkInstructions() {
        assertTrue(CallInstructions.arm64Call(new byte[] {0x10, 0x00, 0x00, (byte) 0x94}));            // bl
        assertTrue(CallInstructions.arm64Call(new byte[] {0x00, 0x01, 0x3F, (byte) 0xD6}));            // blr x8
        assertFalse(CallInstructions.arm64Call(new byte[] {0x00, 0x01, 0x1F, (byte) 0xD6}));           // br x8
    }
}
