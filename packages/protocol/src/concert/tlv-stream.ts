/**
 * Concert V3 over TCP: raw TLV with no length prefix and no terminator, cut into reads anyhow. This
 * sans-I/O deframer is fed bytes and time and gives whole messages back:
 *
 * - a message starts at `CZ` (the protocol version, always first); a `CZ` tag after a field of a message
 *   starts the next one, so two answers in one read are two messages;
 * - bytes before a `CZ` (leftovers of an earlier exchange, CR/LF or separators after a message) are skipped
 *   and reported; a byte that cannot start a field ends the message in progress;
 * - a message is given as soon as `isComplete` says it is whole; a message at a field boundary that does not
 *   look whole waits `quietMs` of silence (the caller arms a timer at `deadline` and calls `tick`); a message
 *   cut inside a field is dropped, and reported, after `staleMs` of silence. A wait of `Infinity` has no
 *   deadline: the bytes wait for more (the terminal simulator's reading of a request, terminal-simulator
 *   raw-request-reader.ts).
 *
 * Split answers are real: OCA/l10n-france pull requests 787, 797 and 798 (answers over several TCP segments
 * read as "AE=None" until the client kept reading with a short deadline and a size cap).
 */
import type { TlvField } from './tlv';

export type TlvStreamEvent =
  /** complete: true when isComplete judged it whole, false when it ended otherwise (silence, next CZ, a stray byte). */
  | { type: 'message'; bytes: Buffer; fields: TlvField[]; complete: boolean }
  /** Bytes that belong to no message. separatorsOnly: only CR, LF, NUL or other control bytes. */
  | { type: 'skipped'; bytes: Buffer; why: string; separatorsOnly: boolean };

export interface TlvStreamOptions {
  /** Whether the fields of a message at a field boundary make a whole message. Default: never sure. */
  isComplete?: (fields: readonly TlvField[]) => boolean;
  /**
   * Silence after which a message that does not look whole is given as it is; or that silence for the
   * fields received so far (a terminal waits longer for a request that still lacks a required tag).
   */
  quietMs?: number | ((fields: readonly TlvField[]) => number);
  /** Silence after which a message cut inside a field is dropped. */
  staleMs?: number;
  /** A message longer than this is dropped (a stream that never ends is not an answer). */
  maxBytes?: number;
}

export const TLV_STREAM_DEFAULTS = { quietMs: 200, staleMs: 2000, maxBytes: 64 * 1024 } as const;

type Walk =
  | { end: 'boundary'; fields: TlvField[] } // every byte is in a field
  | { end: 'cut'; fields: TlvField[]; at: number } // the field at `at` is not all there yet
  | { end: 'split'; fields: TlvField[]; at: number }; // the message ends at `at` (next CZ or a stray byte)

export class TlvStreamDeframer {
  private buffer = Buffer.alloc(0);
  private due?: { at: number; kind: 'quiet' | 'stale' };
  private isComplete: (fields: readonly TlvField[]) => boolean;
  private readonly quietMs: (fields: readonly TlvField[]) => number;
  private readonly staleMs: number;
  private readonly maxBytes: number;

  constructor(options: TlvStreamOptions = {}) {
    this.isComplete = options.isComplete ?? (() => false);
    const quietMs = options.quietMs ?? TLV_STREAM_DEFAULTS.quietMs;
    this.quietMs = typeof quietMs === 'number' ? () => quietMs : quietMs;
    this.staleMs = options.staleMs ?? TLV_STREAM_DEFAULTS.staleMs;
    this.maxBytes = options.maxBytes ?? TLV_STREAM_DEFAULTS.maxBytes;
  }

  /** When `tick` must be called (same clock as `now`), or undefined. */
  get deadline(): number | undefined {
    return this.due?.at;
  }

  /** Changes what a whole message is (e.g. after sending a request whose tags the answer echoes). */
  expect(isComplete: (fields: readonly TlvField[]) => boolean): void {
    this.isComplete = isComplete;
  }

  receive(chunk: Uint8Array, now: number): TlvStreamEvent[] {
    this.buffer = this.buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buffer, chunk]);
    return this.scan(now);
  }

  /**
   * Time passed: a quiet message is given as it is. A cut one is given up to its last whole field (the
   * decoder judges it; an answer is never dropped for a stray tail), and the cut tail is reported.
   */
  tick(now: number): TlvStreamEvent[] {
    if (!this.due || now < this.due.at) return [];
    this.due = undefined;
    const bytes = this.buffer;
    this.buffer = Buffer.alloc(0);
    const w = walk(bytes);
    const at = w.end === 'boundary' ? bytes.length : w.at;
    const events: TlvStreamEvent[] = [];
    if (w.fields.length > 0) events.push({ type: 'message', bytes: Buffer.from(bytes.subarray(0, at)), fields: w.fields, complete: false });
    if (at < bytes.length) events.push(skipped(bytes.subarray(at), `a field cut short, then ${this.staleMs} ms of silence`));
    return events;
  }

  /** Forgets everything (the connection dropped); returns what was dropped, if anything. */
  reset(why = 'the connection was reset'): TlvStreamEvent[] {
    const bytes = this.buffer;
    this.buffer = Buffer.alloc(0);
    this.due = undefined;
    return bytes.length > 0 ? [skipped(bytes, why)] : [];
  }

  private scan(now: number): TlvStreamEvent[] {
    const events: TlvStreamEvent[] = [];
    this.due = undefined;
    while (this.buffer.length > 0) {
      const start = messageStart(this.buffer);
      if (start !== 0) {
        // Hunting for CZ: keep a tail that may be the beginning of one, skip the rest.
        const cut = start === -1 ? this.buffer.length - possibleStartTail(this.buffer) : start;
        if (cut > 0) events.push(skipped(this.buffer.subarray(0, cut), 'bytes before the start of a message (CZ)'));
        this.buffer = this.buffer.subarray(cut);
        if (start === -1) break;
        continue;
      }
      const w = walk(this.buffer);
      if (w.end === 'split') {
        events.push({ type: 'message', bytes: Buffer.from(this.buffer.subarray(0, w.at)), fields: w.fields, complete: this.isComplete(w.fields) });
        this.buffer = this.buffer.subarray(w.at);
        continue;
      }
      if (this.buffer.length > this.maxBytes) {
        events.push(skipped(this.buffer, `a message longer than ${this.maxBytes} bytes`));
        this.buffer = Buffer.alloc(0);
        break;
      }
      if (w.end === 'boundary' && this.isComplete(w.fields)) {
        events.push({ type: 'message', bytes: Buffer.from(this.buffer), fields: w.fields, complete: true });
        this.buffer = Buffer.alloc(0);
        break;
      }
      const at = now + (w.end === 'boundary' ? this.quietMs(w.fields) : this.staleMs);
      // No deadline for an endless wait: a timer armed at Infinity would fire at once (Node clamps it).
      if (Number.isFinite(at)) this.due = { at, kind: w.end === 'boundary' ? 'quiet' : 'stale' };
      break;
    }
    // Own the bytes kept: the caller may reuse its chunk.
    this.buffer = Buffer.from(this.buffer);
    return events;
  }
}

const isUpper = (b: number | undefined) => b !== undefined && b >= 0x41 && b <= 0x5a;
const isDigit = (b: number | undefined) => b !== undefined && b >= 0x30 && b <= 0x39;

/** Offset of the first `CZ` followed by 3 digits, or -1. */
function messageStart(bytes: Buffer): number {
  for (let i = bytes.indexOf('CZ'); i !== -1; i = bytes.indexOf('CZ', i + 1)) {
    if (i + 5 > bytes.length) return -1;
    if (isDigit(bytes[i + 2]) && isDigit(bytes[i + 3]) && isDigit(bytes[i + 4])) return i;
  }
  return -1;
}

/** How many bytes at the end could begin a `CZddd` header still to come (0 to 4). */
function possibleStartTail(bytes: Buffer): number {
  for (let n = Math.min(4, bytes.length); n > 0; n--) {
    const tail = bytes.subarray(bytes.length - n);
    if (tail[0] === 0x43 && (n < 2 || tail[1] === 0x5a) && tail.subarray(2).every(isDigit)) return n;
  }
  return 0;
}

/** Reads fields from a buffer that starts with a message, up to its end, a cut, or where it stops. */
function walk(bytes: Buffer): Walk {
  const fields: TlvField[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const header = bytes.subarray(pos, pos + 5);
    const wellFormed = header.every((b, i) => (i < 2 ? isUpper(b) : isDigit(b)));
    if (!wellFormed) return { end: 'split', fields, at: pos };
    if (pos > 0 && header[0] === 0x43 && header[1] === 0x5a) return { end: 'split', fields, at: pos };
    if (header.length < 5) return { end: 'cut', fields, at: pos };
    const length = Number(header.subarray(2).toString('latin1'));
    if (pos + 5 + length > bytes.length) return { end: 'cut', fields, at: pos };
    fields.push({ tag: header.subarray(0, 2).toString('latin1'), value: bytes.subarray(pos + 5, pos + 5 + length).toString('latin1') });
    pos += 5 + length;
  }
  return { end: 'boundary', fields };
}

function skipped(bytes: Buffer, why: string): TlvStreamEvent {
  const copy = Buffer.from(bytes);
  return { type: 'skipped', bytes: copy, why, separatorsOnly: copy.every((b) => b < 0x20 || b === 0x7f) };
}
