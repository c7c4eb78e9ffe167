/**
 * The terminal's side of Concert V2 / V3, independent of the transport: feed it the cash register's bytes
 * with input(), send what it emits as 'output'. It keeps real time itself (setTimeout) for the link
 * layer's deadlines and for the customer who takes `delayMs` to pay; close() clears every timer.
 *
 * framing 'link': the Concert link layer (ENQ/ACK/STX..ETX LRC/EOT), on a serial line, a serial server, or
 * the in-memory link the connector embeds. framing 'raw': V3 TLV over TCP, no framing at all.
 */
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import {
  ConcertLink,
  ETX,
  STX,
  decodeV2Request,
  decodeV3Request,
  encodeV2Answer,
  encodeV3Answer,
  parseTlv,
  type LinkOptions,
  type LinkStep,
  type TlvField,
  type V2Request,
  type V3Request,
} from '@ecr/protocol';
import { applyBehaviourPatch, NO_FAULTS, type Behaviour, type BehaviourPatch, type Faults, type Outcome } from './behaviour';
import { RequestLog, type Framing, type Protocol, type RequestRecord } from './request-log';

import { newAuthorisationNumber } from './test-card';
import { v2Answer } from './v2-answer';
import { v3Answer, v3BadFormatAnswer, v3ImmediateAnswer } from './v3-answer';

export interface SimulatorOptions {
  protocol: Protocol;
  framing: Framing;
  outcome: Outcome;
  /** Time the customer takes before the terminal answers, milliseconds. */
  delayMs: number;
  /** Append each request as one JSON line to this file. */
  requestLogPath?: string;
  faults?: Partial<Faults>;
  /** Link-layer timings; Concert's defaults (3 s) otherwise. */
  link?: Omit<LinkOptions, 'role'>;
  /** Raw framing: quiet time after a complete request before it is taken (more tags may follow). Default 50. */
  rawQuietMs?: number;
  /** Raw framing: how long a TLV that ends at a field boundary but lacks required tags waits for more bytes. Default 500. */
  rawSettleMs?: number;
}

export interface SimulatorEvents {
  /** Bytes to send to the cash register. */
  output: [bytes: Buffer];
  /** A request arrived (also in `requests`). */
  request: [record: RequestRecord];
  /** The cash register took an answer: ACKed it (link), or it was written (raw). */
  answered: [];
  /** The cash register never took an answer (link: no ACK in time, or too many NAKs). */
  'answer-failed': [reason: string];
  /** Bytes the link layer ignored (outside an exchange, or a frame with a bad LRC). */
  noise: [bytes: Buffer];
  /** Something a person running the simulator should know (a request that did not decode, a log write failure). */
  warning: [message: string];
}

/** Bytes and reads/writes on the line since the start, both ways (the wire share of a payment). */
export interface LineCounters {
  bytesIn: number;
  bytesOut: number;
  /** Pieces of input handed to input() (one per read of the transport). */
  chunksIn: number;
  /** Pieces of output emitted (one per write to the transport). */
  chunksOut: number;
}

interface PendingAnswer {
  payload: Buffer;
  record?: RequestRecord;
}

const DEFAULT_RAW_QUIET_MS = 50;
const DEFAULT_RAW_SETTLE_MS = 500;

export class TerminalSimulator extends EventEmitter<SimulatorEvents> {
  readonly protocol: Protocol;
  readonly framing: Framing;
  private current: Behaviour;
  private readonly log: RequestLog;
  private readonly linkOptions: Omit<LinkOptions, 'role'>;
  private readonly rawQuietMs: number;
  private readonly rawSettleMs: number;
  private link: ConcertLink | undefined;
  private closed = false;

  private linkTimer: NodeJS.Timeout | undefined;
  private readonly answerTimers = new Set<NodeJS.Timeout>();
  /** Answers waiting for the link to be free (it may still be ending the request's exchange). */
  private pendingAnswers: PendingAnswer[] = [];
  /** The request whose answer the link is sending now (its timing gets answeredAt). */
  private sendingRecord: RequestRecord | undefined;
  private readonly counters: LineCounters = { bytesIn: 0, bytesOut: 0, chunksIn: 0, chunksOut: 0 };
  /** garbageAnswer: the next frame we write goes out with a bad LRC. */
  private corruptNextFrame = false;
  /** Where the incoming byte stream is, to find the LRC byte of a frame (nakNext). */
  private inFrame = false;
  private lrcNext = false;

  private rawBuffer: Buffer = Buffer.alloc(0);
  private rawSettleTimer: NodeJS.Timeout | undefined;
  private transactionNumber = 0;

  constructor(options: SimulatorOptions) {
    super();
    if (options.protocol !== 'concert-v2' && options.protocol !== 'concert-v3') {
      throw new RangeError(`protocol must be concert-v2 or concert-v3, got ${String(options.protocol)}`);
    }
    if (options.framing !== 'link' && options.framing !== 'raw') {
      throw new RangeError(`framing must be link or raw, got ${String(options.framing)}`);
    }
    if (options.framing === 'raw' && options.protocol !== 'concert-v3') {
      throw new RangeError('raw framing (TLV over TCP) exists for concert-v3 only');
    }
    this.protocol = options.protocol;
    this.framing = options.framing;
    const checked = applyBehaviourPatch(
      { outcome: 'approve', delayMs: 0, faults: { ...NO_FAULTS } },
      { outcome: options.outcome, delayMs: options.delayMs, faults: options.faults ?? {} },
    );
    if (!checked.ok) throw new RangeError(checked.error);
    this.current = checked.value;
    this.log = new RequestLog(options.requestLogPath, (message) => this.emit('warning', message));
    this.linkOptions = options.link ?? {};
    this.rawQuietMs = options.rawQuietMs ?? DEFAULT_RAW_QUIET_MS;
    this.rawSettleMs = options.rawSettleMs ?? DEFAULT_RAW_SETTLE_MS;
    this.link = this.newLink();
  }

  /** Outcome, delay and faults now in force (a copy). */
  get behaviour(): Behaviour {
    return { ...this.current, faults: { ...this.current.faults } };
  }

  /** Every request received so far, oldest first (a copy). */
  get requests(): RequestRecord[] {
    return this.log.all();
  }

  /** Bytes exchanged on the line so far (a copy). */
  get lineCounters(): LineCounters {
    return { ...this.counters };
  }

  /** Changes what the terminal does from the next request on; throws a RangeError on a bad value. */
  setBehaviour(patch: BehaviourPatch | Behaviour): void {
    const checked = applyBehaviourPatch(this.current, patch);
    if (!checked.ok) throw new RangeError(checked.error);
    this.current = checked.value;
  }

  /** Bytes from the cash register, split anywhere. */
  input(bytes: Buffer): void {
    if (this.closed || bytes.length === 0) return;
    this.counters.bytesIn += bytes.length;
    this.counters.chunksIn += 1;
    if (this.current.faults.deaf) return;
    if (this.link) this.apply(this.link.receive(this.injectNaks(bytes), now()));
    else this.rawInput(bytes);
  }

  /** Forgets a half-received message and any answer not yet sent (a new TCP connection). */
  reset(): void {
    this.clearTimers();
    this.pendingAnswers = [];
    this.sendingRecord = undefined;
    this.corruptNextFrame = false;
    this.inFrame = false;
    this.lrcNext = false;
    this.rawBuffer = Buffer.alloc(0);
    this.link = this.newLink();
  }

  /** Stops every timer; input is ignored from now on. */
  close(): void {
    this.closed = true;
    this.clearTimers();
    this.pendingAnswers = [];
  }

  // ---- link framing

  private newLink(): ConcertLink | undefined {
    return this.framing === 'link' ? new ConcertLink({ ...this.linkOptions, role: 'terminal' }) : undefined;
  }

  private apply(step: LinkStep): void {
    for (const bytes of step.write) this.out(this.maybeCorrupt(bytes));
    for (const event of step.events) {
      switch (event.type) {
        case 'message':
          this.onMessage(event.payload);
          break;
        case 'sent':
          this.answerEnded();
          this.emit('answered');
          break;
        case 'send-failed':
          this.answerEnded();
          this.emit('answer-failed', event.reason === 'nak-limit' ? 'the cash register NAKed the answer too often' : 'the cash register did not acknowledge the answer');
          break;
        case 'noise':
          this.emit('noise', event.bytes);
          break;
        case 'probe':
          break;
      }
    }
    this.flushAnswers();
    this.scheduleLinkTick();
  }

  private scheduleLinkTick(): void {
    if (this.linkTimer) clearTimeout(this.linkTimer);
    this.linkTimer = undefined;
    const deadline = this.link?.deadline;
    if (deadline === undefined || this.closed) return;
    this.linkTimer = setTimeout(() => {
      this.linkTimer = undefined;
      if (this.link && !this.closed) this.apply(this.link.tick(now()));
    }, Math.max(0, Math.ceil(deadline - now())));
  }

  /** Starts the next answer once the link is free: after the request's EOT, never in the middle of it. */
  private flushAnswers(): void {
    const link = this.link;
    if (!link || this.closed) return;
    while (link.idle && this.pendingAnswers.length > 0) {
      const { payload, record } = this.pendingAnswers.shift() as PendingAnswer;
      const noise = this.current.faults.noiseBeforeAnswer;
      if (noise) this.out(Buffer.from(noise, 'hex'));
      this.corruptNextFrame = this.current.faults.garbageAnswer;
      if (record?.timing) record.timing.answerSentAt = epochMs();
      this.sendingRecord = record;
      this.apply(link.send(payload, now()));
    }
  }

  private out(bytes: Buffer): void {
    this.counters.bytesOut += bytes.length;
    this.counters.chunksOut += 1;
    this.emit('output', bytes);
  }

  private answerEnded(): void {
    if (this.sendingRecord?.timing) this.sendingRecord.timing.answeredAt = epochMs();
    this.sendingRecord = undefined;
  }

  /** garbageAnswer: a copy of our frame with a wrong LRC (the link keeps the good one for the resend). */
  private maybeCorrupt(bytes: Buffer): Buffer {
    if (!this.corruptNextFrame || bytes.length < 3 || bytes[0] !== STX) return bytes;
    this.corruptNextFrame = false;
    const bad = Buffer.from(bytes);
    bad[bad.length - 1] ^= 0xff;
    return bad;
  }

  /** nakNext: spoils the LRC of the next N incoming frames, so the link layer NAKs them as a real terminal would. */
  private injectNaks(bytes: Buffer): Buffer {
    let out = bytes;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (this.lrcNext) {
        this.lrcNext = false;
        this.inFrame = false;
        if (this.current.faults.nakNext > 0) {
          this.current.faults.nakNext -= 1;
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

  private onMessage(payload: Buffer): void {
    if (this.protocol === 'concert-v2') {
      const request = decodeV2Request(payload);
      if (request.ok) this.onV2Request(request.value);
      else this.onBadRequest(request.error, { payload: payload.toString('latin1') });
      return;
    }
    const request = decodeV3Request(payload);
    if (request.ok) this.onV3Request(request.value);
    else this.onBadV3Request(request.error, parseTlv(payload).fields);
  }

  // ---- raw framing (V3 TLV over TCP)

  /**
   * Raw TCP has no end-of-message mark: a request is taken once its bytes end at a field boundary, decode,
   * and nothing more came for `rawQuietMs` (an optional tag such as CF may follow in the next read). Bytes
   * that end at a boundary but lack required tags get `rawSettleMs` to complete before being refused.
   */
  private rawInput(bytes: Buffer): void {
    if (this.rawSettleTimer) clearTimeout(this.rawSettleTimer);
    this.rawSettleTimer = undefined;
    this.rawBuffer = Buffer.concat([this.rawBuffer, bytes]);
    const parsed = parseTlv(this.rawBuffer);
    if (parsed.status === 'partial') return;
    if (parsed.status === 'invalid') {
      this.rawBuffer = Buffer.alloc(0);
      this.onBadV3Request(`Concert V3 request: ${parsed.error ?? 'not a TLV message'}`, parsed.fields);
      return;
    }
    const request = decodeV3Request(parsed.fields);
    this.rawSettleTimer = setTimeout(
      () => {
        this.rawSettleTimer = undefined;
        this.rawBuffer = Buffer.alloc(0);
        if (request.ok) this.onV3Request(request.value);
        else this.onBadV3Request(request.error, parsed.fields);
      },
      request.ok ? this.rawQuietMs : this.rawSettleMs,
    );
  }

  // ---- requests and answers

  private onV2Request(request: V2Request): void {
    const outcome = this.current.outcome;
    const record = this.record({
      amount: request.amount,
      currencyNumeric: request.currencyNumeric,
      reference: request.privateField.trim(),
      fields: { ...request },
      outcome,
    });
    if (outcome === 'timeout') return;
    this.later(
      this.current.delayMs,
      () => {
        const authorisationNumber = newAuthorisationNumber();
        return encodeV2Answer(v2Answer(request, outcome, authorisationNumber, new Date()));
      },
      record,
    );
  }

  private onV3Request(request: V3Request): void {
    const immediate = request.answerAtOnce === true;
    const outcome = this.current.outcome;
    const { tagOrder: _order, ...fields } = request;
    const record = this.record({
      amount: request.amount,
      currencyNumeric: request.currencyNumeric,
      reference: request.privateData,
      fields,
      outcome: immediate ? 'immediate' : outcome,
    });
    if (immediate) {
      this.later(0, () => encodeV3Answer(v3ImmediateAnswer(request)), record);
      return;
    }
    if (outcome === 'timeout') return;
    this.later(this.current.delayMs, () =>
      encodeV3Answer(
        v3Answer(request, outcome, {
          authorisationNumber: newAuthorisationNumber(),
          transactionNumber: ++this.transactionNumber,
          now: new Date(),
        }),
      ),
      record,
    );
  }

  private onBadV3Request(error: string, fields: readonly TlvField[]): void {
    const record = this.onBadRequest(error, Object.fromEntries(fields.map((f) => [f.tag, f.value])));
    // Caisse-AP answers a request it cannot read at once: not done, bad format.
    this.later(0, () => encodeV3Answer(v3BadFormatAnswer(fields)), record);
  }

  private onBadRequest(error: string, fields: Record<string, unknown>): RequestRecord {
    const record = this.record({ fields, outcome: 'bad-request', error });
    this.emit('warning', `request not understood: ${error}`);
    return record;
  }

  private record(entry: Omit<RequestRecord, 'at' | 'protocol' | 'framing' | 'timing'>): RequestRecord {
    const receivedAt = epochMs();
    const record: RequestRecord = { at: new Date().toISOString(), protocol: this.protocol, framing: this.framing, ...entry, timing: { receivedAt } };
    if (record.reference === undefined) delete record.reference;
    this.log.add(record);
    this.emit('request', record);
    return record;
  }

  /** Builds the answer after `delayMs` (the customer at the terminal) and sends it. */
  private later(delayMs: number, build: () => Buffer, record?: RequestRecord): void {
    const timer = setTimeout(() => {
      this.answerTimers.delete(timer);
      if (this.closed) return;
      let payload: Buffer;
      try {
        payload = build();
      } catch (err) {
        this.emit('warning', `cannot encode the answer: ${(err as Error).message}`);
        return;
      }
      if (record?.timing) record.timing.answerReadyAt = epochMs();
      this.deliver(payload, record);
    }, delayMs);
    this.answerTimers.add(timer);
  }

  private deliver(payload: Buffer, record?: RequestRecord): void {
    if (this.link) {
      this.pendingAnswers.push({ payload, record });
      this.flushAnswers();
      this.scheduleLinkTick();
    } else {
      if (record?.timing) record.timing.answerSentAt = epochMs();
      this.out(payload);
      if (record?.timing) record.timing.answeredAt = epochMs();
      this.emit('answered');
    }
  }

  private clearTimers(): void {
    if (this.linkTimer) clearTimeout(this.linkTimer);
    if (this.rawSettleTimer) clearTimeout(this.rawSettleTimer);
    for (const timer of this.answerTimers) clearTimeout(timer);
    this.linkTimer = undefined;
    this.rawSettleTimer = undefined;
    this.answerTimers.clear();
  }
}

function now(): number {
  return performance.now();
}

/** Wall-clock milliseconds with sub-millisecond precision (comparable across processes of one machine). */
function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

