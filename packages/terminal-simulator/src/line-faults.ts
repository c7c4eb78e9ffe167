/**
 * The simulator's line faults, as byte filters between the wire and the terminal's logic: what comes in
 * passes `IncomingFaults`, what goes out passes `OutgoingFaults`; the request-to-answer logic never knows.
 * They read the faults in force at each call (the control interface may change them at any time) and play
 * the Concert link layer as terminal-protocols.md describes it ("Concert serial link layer", after
 * pyTeliumManager `telium/manager.py` and akretion/pypostelium): a frame is `STX payload ETX LRC`, a bad LRC
 * is NAKed and the frame sent again, and bytes before STX or after a bad LRC are noise.
 */
import { ETX, STX } from '@ecr/protocol';
import type { Faults } from './behaviour';

/** From the wire to the terminal: `deaf` drops every byte; `nakNext` spoils the LRC of the next N frames. */
export class IncomingFaults {
  /** Where the byte stream is, to find the LRC byte of a frame (it follows ETX). */
  private inFrame = false;
  private lrcNext = false;

  /**
   * faults(): the faults in force; nakNext is counted down in it, so the control interface shows what is left.
   * frames: whether the line carries Concert frames (link framing); raw TCP has no LRC to spoil.
   */
  constructor(
    private readonly faults: () => Faults,
    private readonly frames: boolean,
  ) {}

  /** The bytes the terminal hears, or undefined when it hears nothing. */
  filter(bytes: Buffer): Buffer | undefined {
    const faults = this.faults();
    // deaf: as if the cable were cut, no ACK and no answer.
    if (faults.deaf) return undefined;
    return this.frames ? this.spoilLrc(bytes, faults) : bytes;
  }

  /** Forgets where the stream was (a new connection). */
  reset(): void {
    this.inFrame = false;
    this.lrcNext = false;
  }

  /** nakNext: the LRC byte flipped, so the link layer finds it bad and NAKs the frame as a real terminal would. */
  private spoilLrc(bytes: Buffer, faults: Faults): Buffer {
    let out = bytes;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (this.lrcNext) {
        this.lrcNext = false;
        this.inFrame = false;
        if (faults.nakNext > 0) {
          faults.nakNext -= 1;
          if (out === bytes) out = Buffer.from(bytes);
          out[i] ^= 0xff;
        }
      } else if (b === STX) {
        this.inFrame = true;
      } else if (b === ETX && this.inFrame) {
        this.lrcNext = true;
      }
    }
    return out;
  }
}

/**
 * From the terminal to the wire, armed once per answer by `answerStarts()`: `noiseBeforeAnswer` goes out
 * before the answer's first bytes (its ENQ); `garbageAnswer` sends the answer's frame once with a bad LRC.
 * The link layer keeps the good frame, so the resend after the cash register's NAK is good.
 */
export class OutgoingFaults {
  private noise: Buffer | undefined;
  private corruptNextFrame = false;

  constructor(private readonly faults: () => Faults) {}

  /** An answer is about to be written: the faults in force now apply to it. */
  answerStarts(): void {
    const { noiseBeforeAnswer, garbageAnswer } = this.faults();
    this.noise = noiseBeforeAnswer ? Buffer.from(noiseBeforeAnswer, 'hex') : undefined;
    this.corruptNextFrame = garbageAnswer;
  }

  /** The writes that go on the wire for one write of the terminal, in order (noise is a write of its own). */
  filter(bytes: Buffer): Buffer[] {
    const writes: Buffer[] = [];
    if (this.noise) writes.push(this.noise);
    this.noise = undefined;
    writes.push(this.maybeCorrupt(bytes));
    return writes;
  }

  /** Forgets what was armed (a new connection). */
  reset(): void {
    this.noise = undefined;
    this.corruptNextFrame = false;
  }

  /** garbageAnswer: a copy of the frame with a wrong LRC (its last byte). */
  private maybeCorrupt(bytes: Buffer): Buffer {
    if (!this.corruptNextFrame || bytes.length < 3 || bytes[0] !== STX) return bytes;
    this.corruptNextFrame = false;
    const bad = Buffer.from(bytes);
    bad[bad.length - 1] ^= 0xff;
    return bad;
  }
}
