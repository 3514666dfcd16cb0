package dev.xidlab.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.xidlab.lint.X64Decoder.Flow;
import dev.xidlab.lint.X64Decoder.Instruction;
import org.junit.jupiter.api.Test;

/**
 * Each control-flow form the lint follows, and the lengths of the instructions around them, decoded from their
 * encodings as the Intel SDM gives them. Addresses are arbitrary: targets are relative to the instruction's end.
 */
class X64DecoderTest {

    private static final long AT = 0x1000;

    private static Instruction decode(int... bytes) {
        byte[] code = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            code[i] = (byte) bytes[i];
        }
        return X64Decoder.decode(code, 0, AT);
    }

    @Test
    void callRel32TargetsTheEndOfTheInstructionPlusItsDisplacement() {
        Instruction i = decode(0xE8, 0x10, 0x00, 0x00, 0x00);

        assertEquals(5, i.length());
        assertEquals(new Flow.Call(AT + 5 + 0x10), i.flow());
    }

    @Test
    void callRel32WithANegativeDisplacementGoesBackwards() {
        assertEquals(new Flow.Call(AT + 5 - 0x31), decode(0xE8, 0xCF, 0xFF, 0xFF, 0xFF).flow());
    }

    @Test
    void jmpRel32IsAnUnconditionalLongJump() {
        Instruction i = decode(0xE9, 0xAB, 0x00, 0x00, 0x00);

        assertEquals(5, i.length());
        assertEquals(new Flow.Jump(AT + 5 + 0xAB, false, false), i.flow());
    }

    @Test
    void jmpRel8IsTheShortFormGccEmitsForANearbyFunction() {
        Instruction i = decode(0xEB, 0xE7);

        assertEquals(2, i.length());
        assertEquals(new Flow.Jump(AT + 2 - 0x19, false, true), i.flow());
    }

    @Test
    void conditionalJumpsHaveAShortAndANearForm() {
        assertEquals(new Flow.Jump(AT + 2 + 0x10, true, true), decode(0x78, 0x10).flow());               // js rel8
        assertEquals(new Flow.Jump(AT + 6 + 0x100, true, false), decode(0x0F, 0x84, 0x00, 0x01, 0x00, 0x00).flow());
        assertEquals(6, decode(0x0F, 0x84, 0x00, 0x01, 0x00, 0x00).length());
    }

    @Test
    void callThroughRipRelativeMemoryNamesTheSlot() {
        Instruction i = decode(0xFF, 0x15, 0x3A, 0x60, 0x00, 0x00);

        assertEquals(6, i.length());
        assertEquals(new Flow.ThroughMemory(AT + 6 + 0x603A, false), i.flow());
    }

    @Test
    void jmpThroughRipRelativeMemoryIsAnImportThunkOrATailCall() {
        Instruction i = decode(0xFF, 0x25, 0xEA, 0x5F, 0x00, 0x00);

        assertEquals(6, i.length());
        assertEquals(new Flow.ThroughMemory(AT + 6 + 0x5FEA, true), i.flow());
    }

    @Test
    void rexWJmpThroughRipRelativeMemoryIsTheSameTailCall() {
        Instruction i = decode(0x48, 0xFF, 0x25, 0x89, 0x5F, 0x00, 0x00);

        assertEquals(7, i.length());
        assertEquals(new Flow.ThroughMemory(AT + 7 + 0x5F89, true), i.flow());
    }

    @Test
    void callThroughARegisterCannotBeFollowed() {
        assertEquals(new Flow.Indirect(false, true), decode(0xFF, 0xD3).flow());            // call rbx
        assertEquals(new Flow.Indirect(true, true), decode(0x41, 0xFF, 0xE3).flow());       // jmp r11
        assertEquals(3, decode(0x41, 0xFF, 0xE3).length());
    }

    @Test
    void callThroughComputedMemoryCannotBeFollowed() {
        Instruction i = decode(0xFF, 0x14, 0xC2);                                           // call [rdx+rax*8]

        assertEquals(3, i.length());
        assertEquals(new Flow.Indirect(false, false), i.flow());
        assertEquals(new Flow.Indirect(false, false), decode(0xFF, 0x50, 0x08).flow());     // call [rax+8]
    }

    @Test
    void returnsAndTrapsEndAPath() {
        assertInstanceOf(Flow.Return.class, decode(0xC3).flow());
        assertInstanceOf(Flow.Return.class, decode(0xC2, 0x08, 0x00).flow());
        assertEquals(3, decode(0xC2, 0x08, 0x00).length());
        assertInstanceOf(Flow.Halt.class, decode(0xCC).flow());                             // int3
        assertInstanceOf(Flow.Halt.class, decode(0x0F, 0x0B).flow());                       // ud2
        assertInstanceOf(Flow.Halt.class, decode(0xCD, 0x29).flow());                       // __fastfail
    }

    @Test
    void modRmWithSibAndDisplacementsIsMeasured() {
        assertEquals(4, decode(0x48, 0x83, 0xEC, 0x28).length());                           // sub rsp, 0x28
        assertEquals(7, decode(0x48, 0x8B, 0x0D, 0xF5, 0x3F, 0x00, 0x00).length());         // mov rcx, [rip+x]
        assertEquals(9, decode(0x48, 0xC7, 0x44, 0x24, 0x20, 0, 0, 0, 0).length());          // mov qword [rsp+0x20], 0
        assertEquals(8, decode(0x0F, 0x1F, 0x84, 0x00, 0, 0, 0, 0).length());               // nop dword [rax+rax+0]
        assertEquals(7, decode(0x8B, 0x04, 0x25, 0, 0, 0, 0).length());                     // mov eax, [disp32]
    }

    @Test
    void immediatesFollowTheOperandSize() {
        assertEquals(10, decode(0x48, 0xB8, 1, 2, 3, 4, 5, 6, 7, 8).length());               // mov rax, imm64
        assertEquals(5, decode(0xB8, 1, 2, 3, 4).length());                                 // mov eax, imm32
        assertEquals(4, decode(0x66, 0xB8, 1, 2).length());                                 // mov ax, imm16
        assertEquals(6, decode(0xF7, 0xC1, 1, 0, 0, 0).length());                           // test ecx, imm32
        assertEquals(2, decode(0xF7, 0xD9).length());                                       // neg ecx: no immediate
    }

    @Test
    void sseAvxAndAvx512InstructionsAreMeasured() {
        assertEquals(4, decode(0x66, 0x0F, 0xEF, 0xC0).length());                           // pxor xmm0, xmm0
        assertEquals(6, decode(0x66, 0x0F, 0x3A, 0x0F, 0xC1, 0x08).length());               // palignr
        assertEquals(5, decode(0x66, 0x0F, 0x38, 0x00, 0xC1).length());                     // pshufb
        assertEquals(4, decode(0xC5, 0xF8, 0x28, 0xC1).length());                           // vmovaps xmm0, xmm1
        assertEquals(6, decode(0xC4, 0xE3, 0x79, 0x0F, 0xC1, 0x08).length());               // vpalignr
        assertEquals(3, decode(0xC5, 0xF8, 0x77).length());                                 // vzeroupper
        assertEquals(6, decode(0x62, 0xF1, 0x7C, 0x48, 0x28, 0xC1).length());               // vmovaps zmm0, zmm1
    }

    @Test
    void opcodesThatLongModeDoesNotHaveAreUnknown() {
        assertInstanceOf(Flow.Unknown.class, decode(0x06).flow());                          // push es
        assertInstanceOf(Flow.Unknown.class, decode(0xFF, 0xF8).flow());                    // FF /7
    }

    @Test
    void anInstructionCutShortByTheEndOfTheCodeIsUnknown() {
        assertInstanceOf(Flow.Unknown.class, decode(0xE8, 0x10, 0x00).flow());
    }

    @Test
    void moreThanFifteenBytesIsNoInstruction() {
        Instruction i = decode(0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
                0x90);

        assertEquals(new Flow.Unknown("longer than the 15 bytes an instruction may have"), i.flow());
    }
}
