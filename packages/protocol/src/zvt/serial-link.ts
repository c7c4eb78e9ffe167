/**
 * The ZVT serial link as a sans-I/O state machine, the same in both roles (ECR and terminal): bytes and time
 * in, bytes to write, events and the next deadline out.
 *
 * Sending: DLE STX APDU DLE ETX CRC -> the peer answers ACK (06), or NAK (15) and we send the frame again
 * (at most `maxNakRetries` times). Receiving: a frame with a good CRC is ACKed and delivered, a bad one NAKed.
 * Source: wirelane/ecrterm `transmission/transport_serial.py` (send_message, read, receive: three tries).
 *
 * One frame is in flight at a time; later sends wait in a queue. A frame neither ACKed nor NAKed in time is
 * not sent again: the peer may have taken it and lost only its ACK, and a payment request must never reach
 * the terminal twice (money rule 2). Frames are not de-duplicated: two equal frames in a row are legitimate
 * in ZVT (two empty print lines).
 */
import { ZVT_ACK, ZVT_DLE, ZVT_ETX, ZVT_NAK, ZVT_STX } from './control';
import { zvtFrameCrc, frameZvtSerial } from './serial-frame';

export type ZvtLinkRole = 'ecr' | 'terminal';

export interface ZvtLinkOptions {
  role: ZvtLinkRole;
  /**
   * Wait for ACK/NAK after our frame. Default 3000: ecrterm waits about 1 s; a slower peer costs nothing here
   * and an unanswered frame is never resent anyway.
   */
  ackTimeoutMs?: number;
  /** Longest pause between two bytes of a frame before it is dropped. Default 1000 (ecrterm T1: 200 ms). */
  interByteTimeoutMs?: number;
  /** Resends after NAK before 'send-failed'. Default 2 (three tries in all, as ecrterm's receive loop). */
  maxNakRetries?: number;
  /** Longest APDU accepted; a longer frame is dropped as noise. Default 65540. */
  maxApduBytes?: number;
}

export type ZvtLinkEvent =
  | { type: 'message'; apdu: Buffer }
  | { type: 'sent' }
  | { type: 'send-failed'; reason: 'no-answer' | 'nak-limit' }
  /** Bytes outside a frame, or a frame with a bad CRC (NAKed). May hold card data: mask before logging. */
  | { type: 'noise'; bytes: Buffer };

export interface ZvtLinkStep {
  write: Buffer[];
  events: ZvtLinkEvent[];
}

type RxState =
  | { name: 'hunting'; dle: boolean }
  | { name: 'frame'; apdu: number[]; raw: number[]; dle: boolean; deadline: number }
  | { name: 'crc'; apdu: number[]; raw: number[]; crc: number[]; deadline: number };

interface Tx {
  frame: Buffer;
  naks: number;
  deadline: number;
}

export class ZvtSerialLink {
  readonly role: ZvtLinkRole;
  private readonly ackTimeoutMs: number;
  private readonly interByteTimeoutMs: number;
  private readonly maxNakRetries: number;
  private readonly maxApduBytes: number;
  private rx: RxState = { name: 'hunting', dle: false };
  private tx: Tx | undefined;
  private readonly queue: Buffer[] = [];
  private noise: number[] = [];

  constructor(options: ZvtLinkOptions) {
    if (options.role !== 'ecr' && options.role !== 'terminal') throw new RangeError(`link role must be 'ecr' or 'terminal', got ${String(options.role)}`);
    this.role = options.role;
    this.ackTimeoutMs = check('ackTimeoutMs', options.ackTimeoutMs ?? 3000, 1);
    this.interByteTimeoutMs = check('interByteTimeoutMs', options.interByteTimeoutMs ?? 1000, 1);
    this.maxNakRetries = check('maxNakRetries', options.maxNakRetries ?? 2, 0);
    this.maxApduBytes = check('maxApduBytes', options.maxApduBytes ?? 65540, 3);
  }

  get deadline(): number | undefined {
    const d = [this.tx?.deadline, this.rx.name === 'hunting' ? undefined : this.rx.deadline].filter((x): x is number => x !== undefined);
    return d.length ? Math.min(...d) : undefined;
  }

  /** Nothing in flight, queued or half received. */
  get idle(): boolean {
    return !this.tx && this.queue.length === 0 && this.rx.name === 'hunting';
  }

  send(apdu: Uint8Array, now: number): ZvtLinkStep {
    if (apdu.length > this.maxApduBytes) throw new RangeError(`APDU of ${apdu.length} bytes is longer than maxApduBytes ${this.maxApduBytes}`);
    return this.run(now, (step) => {
      this.queue.push(frameZvtSerial(apdu));
      this.next(now, step);
    });
  }

  receive(bytes: Uint8Array, now: number): ZvtLinkStep {
    return this.run(now, (step) => {
      for (const b of bytes) this.onByte(b, now, step);
    });
  }

  tick(now: number): ZvtLinkStep {
    return this.run(now, () => undefined);
  }

  private run(now: number, body: (step: ZvtLinkStep) => void): ZvtLinkStep {
    if (!Number.isFinite(now)) throw new RangeError(`now must be a finite number of milliseconds, got ${now}`);
    const step: ZvtLinkStep = { write: [], events: [] };
    this.expire(now, step);
    body(step);
    this.flushNoise(step);
    return step;
  }

  private expire(now: number, step: ZvtLinkStep): void {
    if (this.rx.name !== 'hunting' && now >= this.rx.deadline) {
      this.noise.push(...this.rx.raw);
      this.rx = { name: 'hunting', dle: false };
    }
    if (this.tx && now >= this.tx.deadline) {
      this.tx = undefined;
      this.emit(step, { type: 'send-failed', reason: 'no-answer' });
      this.next(now, step);
    }
  }

  private next(now: number, step: ZvtLinkStep): void {
    if (this.tx) return;
    const frame = this.queue.shift();
    if (!frame) return;
    this.tx = { frame, naks: 0, deadline: now + this.ackTimeoutMs };
    step.write.push(frame);
  }

  private onByte(b: number, now: number, step: ZvtLinkStep): void {
    const rx = this.rx;
    switch (rx.name) {
      case 'hunting':
        if (rx.dle) {
          rx.dle = false;
          if (b === ZVT_STX) {
            this.rx = { name: 'frame', apdu: [], raw: [ZVT_DLE, ZVT_STX], dle: false, deadline: now + this.interByteTimeoutMs };
            return;
          }
          this.noise.push(ZVT_DLE);
        }
        if (b === ZVT_DLE) rx.dle = true;
        else if ((b === ZVT_ACK || b === ZVT_NAK) && this.tx) this.onAnswer(b, now, step);
        else this.noise.push(b);
        return;

      case 'frame':
        rx.raw.push(b);
        rx.deadline = now + this.interByteTimeoutMs;
        if (rx.dle) {
          rx.dle = false;
          if (b === ZVT_DLE) rx.apdu.push(b);
          else if (b === ZVT_ETX) this.rx = { name: 'crc', apdu: rx.apdu, raw: rx.raw, crc: [], deadline: rx.deadline };
          else if (b === ZVT_STX) {
            // A new frame starts: the unfinished one was not a frame.
            this.noise.push(...rx.raw.slice(0, -2));
            this.rx = { name: 'frame', apdu: [], raw: [ZVT_DLE, ZVT_STX], dle: false, deadline: rx.deadline };
          } else {
            // DLE followed by anything else is not ZVT framing (ecrterm: "DLE without sense"): NAK it.
            this.reject(rx.raw, step);
          }
          return;
        }
        if (b === ZVT_DLE) rx.dle = true;
        else if (rx.apdu.length >= this.maxApduBytes) {
          this.noise.push(...rx.raw);
          this.rx = { name: 'hunting', dle: false };
        } else rx.apdu.push(b);
        return;

      case 'crc': {
        rx.raw.push(b);
        rx.crc.push(b);
        if (rx.crc.length < 2) {
          rx.deadline = now + this.interByteTimeoutMs;
          return;
        }
        const apdu = Buffer.from(rx.apdu);
        const got = rx.crc[0] | (rx.crc[1] << 8);
        this.rx = { name: 'hunting', dle: false };
        if (got !== zvtFrameCrc(apdu)) {
          this.reject(rx.raw, step);
          return;
        }
        step.write.push(Buffer.from([ZVT_ACK]));
        this.emit(step, { type: 'message', apdu });
        return;
      }
    }
  }

  private reject(raw: number[], step: ZvtLinkStep): void {
    step.write.push(Buffer.from([ZVT_NAK]));
    this.noise.push(...raw);
    this.rx = { name: 'hunting', dle: false };
  }

  private onAnswer(b: number, now: number, step: ZvtLinkStep): void {
    const tx = this.tx!;
    if (b === ZVT_ACK) {
      this.tx = undefined;
      this.emit(step, { type: 'sent' });
      this.next(now, step);
    } else if (tx.naks >= this.maxNakRetries) {
      this.tx = undefined;
      this.emit(step, { type: 'send-failed', reason: 'nak-limit' });
      this.next(now, step);
    } else {
      tx.naks++;
      tx.deadline = now + this.ackTimeoutMs;
      step.write.push(tx.frame);
    }
  }

  private emit(step: ZvtLinkStep, event: ZvtLinkEvent): void {
    this.flushNoise(step);
    step.events.push(event);
  }

  private flushNoise(step: ZvtLinkStep): void {
    if (this.noise.length === 0) return;
    step.events.push({ type: 'noise', bytes: Buffer.from(this.noise) });
    this.noise = [];
  }
}

function check(name: string, v: number, min: number): number {
  if (!Number.isSafeInteger(v) || v < min) throw new RangeError(`link option ${name} must be an integer >= ${min}, got ${String(v)}`);
  return v;
}
