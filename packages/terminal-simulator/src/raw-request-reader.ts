/**
 * How the simulated IP terminal reads Concert V3 requests over raw TCP, where nothing marks the end of a
 * message. Sans-I/O, like protocol's deframers (bytes and time in, readings out, a deadline for the caller's
 * one timer): the simulator drives it with protocol's LinkRunner.
 *
 * Profile `generic`: protocol's TlvStreamDeframer cuts the stream; a request is taken once it ends at a field
 * boundary and nothing more came for `quietMs` (an optional tag such as CF may follow in the next read), or
 * `settleMs` while it lacks a required tag. The deframer is lenient for the cash register (it skips CR/LF and
 * stray bytes); a terminal is not, so a byte it skips is refused here: CR/LF or any other byte that is not TLV
 * where a tag should start breaks the request in progress, which gets AF=09 at once (akretion caisse-ap-ip
 * `caisse_ap_ip_server.py` parses `\r\n` as a tag and fails on its length; Ingenico terminals do the same,
 * issue 9), and the rest of that read is dropped. CR/LF arriving alone while no request is in progress is
 * ignored (akretion's simulator gives no answer to it). A request cut inside a field waits for its bytes.
 *
 * Profile `hipay-nepting`: a request is taken only once CR/LF follows it, whole or refused (HiPay "Local API
 * for Nepting" troubleshooting asks for CR/LF after the payment request); without it, the terminal waits.
 * A line protocol, so no deframer: the line is cut at CR/LF and read as TLV whole.
 */
import { decodeV3Request, parseTlv, TlvStreamDeframer, type ReadingMachine, type TlvField, type TlvStreamEvent, type V3Request } from '@ecr/protocol';
import type { TerminalProfile } from './answer-forms';

export type RawReading =
  /** A request read and decoded; receivedAt: the time of its last byte. */
  | { type: 'request'; request: V3Request; receivedAt: number }
  /** Bytes read as a request that cannot be one: the terminal answers AF=09, echoing the fields it got. */
  | { type: 'refused'; error: string; fields: TlvField[]; receivedAt: number }
  /** CR/LF with no request in progress: ignored. */
  | { type: 'noise'; bytes: Buffer };

export interface RawRequestReaderOptions {
  /** The profile in force (it may change between requests). */
  profile(): TerminalProfile;
  /** Silence after a request that decodes before it is taken. */
  quietMs: number;
  /** Silence after bytes that end at a field boundary but do not decode (a required tag missing). */
  settleMs: number;
}

const CRLF = '\r\n';

export class RawRequestReader implements ReadingMachine<RawReading> {
  private readonly deframer: TlvStreamDeframer;
  /** Bytes fed to the deframer not given back yet (every byte comes back in a message or a skipped event). */
  private held = 0;
  /** hipay-nepting: the line so far, before its CR/LF. */
  private line = Buffer.alloc(0);
  private lastByteAt = 0;
  private lastProfile: TerminalProfile;

  constructor(private readonly options: RawRequestReaderOptions) {
    this.deframer = this.newDeframer();
    this.lastProfile = options.profile();
  }

  get deadline(): number | undefined {
    return this.deframer.deadline;
  }

  receive(bytes: Uint8Array, now: number): RawReading[] {
    this.lastByteAt = now;
    const profile = this.options.profile();
    // A profile change forgets a half-received request: it was being read by the other rule.
    if (profile !== this.lastProfile) this.reset();
    this.lastProfile = profile;
    const chunk = Buffer.from(bytes);
    if (profile === 'hipay-nepting') return this.lines(chunk);
    if (this.held === 0 && /^[\r\n]+$/.test(chunk.toString('latin1'))) return [{ type: 'noise', bytes: chunk }];
    this.held += chunk.length;
    return this.read(this.deframer.receive(chunk, now));
  }

  tick(now: number): RawReading[] {
    return this.read(this.deframer.tick(now));
  }

  /** Forgets a half-received request (a new connection). */
  reset(): void {
    this.deframer.reset();
    this.held = 0;
    this.line = Buffer.alloc(0);
  }

  private newDeframer(): TlvStreamDeframer {
    return new TlvStreamDeframer({
      quietMs: (fields) => (decodeV3Request(fields).ok ? this.options.quietMs : this.options.settleMs),
      // A request cut inside a field waits for the rest: no source says when a terminal gives up.
      staleMs: Infinity,
    });
  }

  /** Generic profile: a message the deframer gives is a request; a byte it skips breaks the request. */
  private read(events: TlvStreamEvent[]): RawReading[] {
    const readings: RawReading[] = [];
    for (let i = 0; i < events.length; i++) {
      const event = events[i] as TlvStreamEvent;
      this.held -= event.bytes.length;
      const next = events[i + 1];
      if (event.type === 'message' && next?.type !== 'skipped') {
        readings.push(this.decoded(event.fields));
        continue;
      }
      // Stray bytes after a message, or bytes where a message (CZ) should start: refused, the rest dropped.
      const broken = event.type === 'message' && next ? Buffer.concat([event.bytes, next.bytes]) : event.bytes;
      readings.push(this.whole(broken, 'not a TLV message'));
      this.reset();
      break;
    }
    return readings;
  }

  /** hipay-nepting: each line ended by CR/LF is one request; empty lines are ignored. */
  private lines(chunk: Buffer): RawReading[] {
    const readings: RawReading[] = [];
    this.line = Buffer.concat([this.line, chunk]);
    for (let end = this.line.indexOf(CRLF); end >= 0; end = this.line.indexOf(CRLF)) {
      const message = this.line.subarray(0, end);
      this.line = this.line.subarray(end + CRLF.length);
      if (message.length > 0) readings.push(this.whole(message, 'cut inside a field before CR/LF'));
    }
    return readings;
  }

  /** Bytes taken as one request as they are: TLV to the last byte, then decoded. */
  private whole(bytes: Buffer, cutError: string): RawReading {
    const parsed = parseTlv(bytes);
    if (parsed.status === 'complete') return this.decoded(parsed.fields);
    const error = `Concert V3 request: ${parsed.error ?? cutError}`;
    return { type: 'refused', error, fields: parsed.fields, receivedAt: this.lastByteAt };
  }

  private decoded(fields: TlvField[]): RawReading {
    const request = decodeV3Request(fields);
    if (request.ok) return { type: 'request', request: request.value, receivedAt: this.lastByteAt };
    return { type: 'refused', error: request.error, fields, receivedAt: this.lastByteAt };
  }
}
