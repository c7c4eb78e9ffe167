/**
 * The terminal's side of Concert V2 / V3, independent of the transport: feed it the cash register's bytes
 * with input(), send what it emits as 'output'. The link layer runs on @ecr/protocol's LinkRunner (its one
 * timer at the link's deadline, on real time); the customer who takes `delayMs` to pay has timers of its own;
 * close() clears every timer.
 *
 * framing 'link': the Concert link layer (ENQ/ACK/STX..ETX LRC/EOT), on a serial line, a serial server, or
 * the in-memory link the connector embeds. framing 'raw': V3 TLV over TCP, no framing at all, read by
 * RawRequestReader on the same runner. Line faults are byte filters between the wire and this file
 * (line-faults.ts): this file only turns requests into answers.
 */
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { realClock } from '@ecr/common';
import {
  ConcertLink,
  LinkRunner,
  decodeV2Request,
  decodeV3Request,
  encodeV3Answer,
  parseTlv,
  readingMachine,
  type LinkEvent,
  type LinkMachine,
  type LinkOptions,
  type RunnerClock,
  type TlvField,
  type V2Request,
  type V3Request,
} from '@ecr/protocol';
import { AnswerLog, type AnswerKind } from './answer-log';
import { approvedAmountFor, formsNotFor, TIDY_ANSWERS, type AnswerForms } from './answer-forms';
import { applyBehaviourPatch, NO_FAULTS, type Behaviour, type BehaviourPatch, type Faults, type Outcome } from './behaviour';
import { IncomingFaults, OutgoingFaults } from './line-faults';
import { RawRequestReader, type RawReading } from './raw-request-reader';
import { RequestLog, type Framing, type Protocol, type RequestRecord } from './request-log';
import { v2AnswerBytes, v3AnswerBytes, type Override, type ShapedAnswer } from './shaped-answer';
import { newAuthorisationNumber } from './test-card';
import type { FinalOutcome } from './v2-answer';
import { v3BadFormatAnswer, v3ImmediateAnswer } from './v3-answer';

export interface SimulatorOptions {
  protocol: Protocol;
  framing: Framing;
  outcome: Outcome;
  /** Time the customer takes before the terminal answers, milliseconds. */
  delayMs: number;
  /** Append each request as one JSON line to this file. */
  requestLogPath?: string;
  /** Append each answer (delivered or not) as one JSON line to this file: the terminal's own ledger. */
  answerLogPath?: string;
  faults?: Partial<Faults>;
  /** How answers are shaped to play a real terminal (answer-forms.ts); tidy by default. */
  answers?: Partial<AnswerForms>;
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
  /** Ledger line written once the answer is taken or given up (absent for answers that settle no payment). */
  ledger?: LedgerFacts;
}

interface LedgerFacts {
  kind: AnswerKind;
  outcome: FinalOutcome;
  shaped: ShapedAnswer;
  record?: RequestRecord;
}

const DEFAULT_RAW_QUIET_MS = 50;
const DEFAULT_RAW_SETTLE_MS = 500;

export class TerminalSimulator extends EventEmitter<SimulatorEvents> {
  readonly protocol: Protocol;
  readonly framing: Framing;
  private current: Behaviour;
  private readonly log: RequestLog;
  private readonly answerLog: AnswerLog;
  private readonly linkOptions: Omit<LinkOptions, 'role'>;
  /** Framing 'link' only: the Concert link layer and the loop that drives it. */
  private readonly runner: LinkRunner<ConcertLink, LinkEvent> | undefined;
  /** Framing 'raw' only: the request reader and the same loop, for its quiet-time timer. */
  private readonly rawReader: RawRequestReader | undefined;
  private readonly rawRunner: LinkRunner<LinkMachine<RawReading>, RawReading> | undefined;
  private readonly incoming: IncomingFaults;
  private readonly outgoing: OutgoingFaults;
  private closed = false;
  /** Raw TCP: whether a cash register is connected (serveTcp keeps it); an answer written with none is lost. */
  peerConnected = true;

  private readonly answerTimers = new Set<NodeJS.Timeout>();
  /** Answers waiting for the link to be free (it may still be ending the request's exchange). */
  private pendingAnswers: PendingAnswer[] = [];
  /** The request whose answer the link is sending now (its timing gets answeredAt). */
  private sendingRecord: RequestRecord | undefined;
  private sendingLedger: LedgerFacts | undefined;
  /** Answers the customer is still "paying" (delayMs not over): written to the ledger as undelivered on close(). */
  private readonly scheduledLedgers = new Set<LedgerFacts>();
  private readonly counters: LineCounters = { bytesIn: 0, bytesOut: 0, chunksIn: 0, chunksOut: 0 };
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
      { outcome: 'approve', delayMs: 0, faults: { ...NO_FAULTS }, answers: { ...TIDY_ANSWERS } },
      { outcome: options.outcome, delayMs: options.delayMs, faults: options.faults ?? {}, answers: options.answers ?? {} },
    );
    if (!checked.ok) throw new RangeError(checked.error);
    const wrongProtocol = formsNotFor(options.protocol, checked.value.answers);
    if (wrongProtocol) throw new RangeError(wrongProtocol);
    this.current = checked.value;
    this.log = new RequestLog(options.requestLogPath, (message) => this.emit('warning', message));
    this.answerLog = new AnswerLog(options.answerLogPath, (message) => this.emit('warning', message));
    this.linkOptions = options.link ?? {};
    const faults = (): Faults => this.current.faults;
    this.incoming = new IncomingFaults(faults, this.framing === 'link');
    this.outgoing = new OutgoingFaults(faults);
    this.runner =
      this.framing === 'link'
        ? new LinkRunner<ConcertLink, LinkEvent>({
            machine: this.newLink(),
            write: (bytes) => this.out(Buffer.from(bytes)),
            clock: realClock,
            onEvent: (event) => this.onLinkEvent(event),
            afterStep: () => this.flushAnswers(),
          })
        : undefined;
    this.rawReader =
      this.framing === 'raw'
        ? new RawRequestReader({
            profile: () => this.current.answers.profile,
            quietMs: options.rawQuietMs ?? DEFAULT_RAW_QUIET_MS,
            settleMs: options.rawSettleMs ?? DEFAULT_RAW_SETTLE_MS,
          })
        : undefined;
    this.rawRunner = this.rawReader
      ? new LinkRunner<LinkMachine<RawReading>, RawReading>({
          machine: readingMachine(this.rawReader),
          write: () => {},
          // Epoch time: a request's receivedAt is compared with times taken in other processes.
          clock: EPOCH_CLOCK,
          onEvent: (reading) => this.onRawReading(reading),
        })
      : undefined;
  }

  /** Outcome, delay and faults now in force (a copy). */
  get behaviour(): Behaviour {
    return { ...this.current, faults: { ...this.current.faults }, answers: { ...this.current.answers } };
  }

  /** Every answer that went out or could not (the terminal's ledger), oldest first (a copy). */
  get answers(): ReturnType<AnswerLog['all']> {
    return this.answerLog.all();
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
    const wrongProtocol = formsNotFor(this.protocol, checked.value.answers);
    if (wrongProtocol) throw new RangeError(wrongProtocol);
    this.current = checked.value;
  }

  /** Bytes from the cash register, split anywhere. */
  input(bytes: Buffer): void {
    if (this.closed || bytes.length === 0) return;
    this.counters.bytesIn += bytes.length;
    this.counters.chunksIn += 1;
    const heard = this.incoming.filter(bytes);
    if (!heard) return;
    this.runner?.receive(heard);
    this.rawRunner?.receive(heard);
  }

  /**
   * Forgets a half-received message (a new TCP connection). Answers still to come are kept: the customer at
   * the terminal does not vanish with the connection, so a late answer goes to whichever register is
   * connected when it is ready (the late answer after a restart).
   */
  reset(): void {
    if (this.sendingLedger) this.ledger(this.sendingLedger, false, 'the connection was replaced while the answer was being sent');
    this.sendingLedger = undefined;
    this.sendingRecord = undefined;
    this.incoming.reset();
    this.outgoing.reset();
    this.runner?.replace(this.newLink());
    if (this.rawReader && this.rawRunner) {
      this.rawReader.reset();
      this.rawRunner.replace(readingMachine(this.rawReader));
    }
  }

  /** Stops every timer; input is ignored from now on. Answers not yet given are written to the ledger as not delivered. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.clearTimers();
    if (this.sendingLedger) this.ledger(this.sendingLedger, false, 'the terminal was stopped while sending it');
    for (const pending of this.pendingAnswers) if (pending.ledger) this.ledger(pending.ledger, false, 'the terminal was stopped before sending it');
    for (const facts of this.scheduledLedgers) this.ledger(facts, false, 'the terminal was stopped before the customer finished');
    this.scheduledLedgers.clear();
    this.sendingLedger = undefined;
    this.pendingAnswers = [];
  }

  // ---- link framing

  private newLink(): ConcertLink {
    return new ConcertLink({ ...this.linkOptions, role: 'terminal' });
  }

  private onLinkEvent(event: LinkEvent): void {
    switch (event.type) {
      case 'message':
        this.onMessage(event.payload);
        break;
      case 'sent':
        if (this.sendingLedger) this.ledger(this.sendingLedger, true);
        this.answerEnded();
        this.emit('answered');
        break;
      case 'send-failed':
        if (this.sendingLedger) this.ledger(this.sendingLedger, false, event.reason === 'nak-limit' ? 'NAKed too often' : 'not acknowledged');
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

  /** Starts the next answer once the link is free: after the request's EOT, never in the middle of it. */
  private flushAnswers(): void {
    const runner = this.runner;
    if (!runner || this.closed) return;
    while (runner.machine.idle && this.pendingAnswers.length > 0) {
      const { payload, record, ledger } = this.pendingAnswers.shift() as PendingAnswer;
      this.outgoing.answerStarts();
      if (record?.timing) record.timing.answerSentAt = epochMs();
      this.sendingRecord = record;
      this.sendingLedger = ledger;
      runner.do((link, at) => link.send(payload, at));
    }
  }

  private out(bytes: Buffer): void {
    for (const write of this.outgoing.filter(bytes)) {
      this.counters.bytesOut += write.length;
      this.counters.chunksOut += 1;
      this.emit('output', write);
    }
  }

  private answerEnded(): void {
    if (this.sendingRecord?.timing) this.sendingRecord.timing.answeredAt = epochMs();
    this.sendingRecord = undefined;
    this.sendingLedger = undefined;
  }

  private ledger(facts: LedgerFacts, delivered: boolean, reason?: string): void {
    this.answerLog.add({
      kind: facts.kind,
      outcome: facts.outcome,
      requestAmount: facts.record?.amount,
      requestReference: facts.record?.reference,
      amount: facts.shaped.amount,
      currencyNumeric: facts.record?.currencyNumeric,
      reference: facts.shaped.reference,
      delivered,
      ...(reason ? { reason } : {}),
    });
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

  // ---- raw framing (V3 TLV over TCP): raw-request-reader.ts reads, this answers

  private onRawReading(reading: RawReading): void {
    if (reading.type === 'noise') this.emit('noise', reading.bytes);
    else if (reading.type === 'request') this.onV3Request(reading.request, reading.receivedAt);
    else this.onBadV3Request(reading.error, reading.fields, reading.receivedAt);
  }

  // ---- requests and answers

  private onV2Request(request: V2Request): void {
    const { outcome, answers: forms, delayMs } = this.current;
    const record = this.record({
      amount: request.amount,
      currencyNumeric: request.currencyNumeric,
      reference: request.privateField.trim(),
      fields: { ...request },
      outcome,
      ...(outcome === 'approve' ? { approvedAmount: approvedAmountFor(forms, request.amount) } : {}),
    });
    if (outcome === 'timeout') return;
    const now = new Date();
    const build = (override?: Override): ShapedAnswer => v2AnswerBytes(request, outcome, newAuthorisationNumber(), now, forms, override);
    this.answerLater(delayMs, outcome, forms, build, record);
  }

  /** receivedAt: raw TCP, when the request's last byte came (the quiet time that follows is the terminal's own). */
  private onV3Request(request: V3Request, receivedAt?: number): void {
    const immediate = request.answerAtOnce === true;
    const { outcome, answers: forms, delayMs } = this.current;
    const { tagOrder: _order, ...fields } = request;
    const record = this.record({
      amount: request.amount,
      currencyNumeric: request.currencyNumeric,
      reference: request.privateData,
      fields,
      outcome: immediate ? 'immediate' : outcome,
      ...(!immediate && outcome === 'approve' ? { approvedAmount: approvedAmountFor(forms, request.amount) } : {}),
    }, receivedAt);
    if (immediate) {
      this.later(0, [{ payload: encodeV3Answer(v3ImmediateAnswer(request)), record }]);
      return;
    }
    if (outcome === 'timeout') return;
    const facts = { authorisationNumber: newAuthorisationNumber(), transactionNumber: ++this.transactionNumber, now: new Date() };
    const build = (override?: Override): ShapedAnswer => v3AnswerBytes(request, outcome, facts, forms, override);
    this.answerLater(delayMs, outcome, forms, build, record);
  }

  /**
   * Builds the answer now (so the ledger knows it even if the terminal stops before sending it), and the
   * extra and repeated answers the forms ask for, then sends them after `delayMs`.
   */
  private answerLater(delayMs: number, outcome: FinalOutcome, forms: AnswerForms, build: (override?: Override) => ShapedAnswer, record: RequestRecord): void {
    let answers: PendingAnswer[];
    try {
      const real = build();
      const one = (kind: AnswerKind, shaped: ShapedAnswer, finalOutcome: FinalOutcome): PendingAnswer => ({
        payload: shaped.bytes,
        record: kind === 'answer' ? record : undefined,
        ledger: { kind, outcome: finalOutcome, shaped, record },
      });
      answers = [one('answer', real, outcome)];
      if (forms.repeatAnswer) answers.push(one('repeat', real, outcome));
      const extra = forms.extraAnswer;
      if (extra) {
        const shaped = build({ ref: extra.ref, outcome: extra.outcome });
        if (extra.position === 'before') answers.unshift(one('extra', shaped, extra.outcome));
        else answers.push(one('extra', shaped, extra.outcome));
      }
    } catch (err) {
      this.emit('warning', `cannot encode the answer: ${(err as Error).message}`);
      return;
    }
    this.later(delayMs, answers, forms.oneWrite);
  }

  private onBadV3Request(error: string, fields: readonly TlvField[], receivedAt?: number): void {
    const record = this.onBadRequest(error, Object.fromEntries(fields.map((f) => [f.tag, f.value])), receivedAt);
    // Caisse-AP answers a request it cannot read at once: not done, bad format.
    let payload: Buffer;
    try {
      payload = encodeV3Answer(v3BadFormatAnswer(fields));
    } catch (err) {
      this.emit('warning', `cannot encode the answer: ${(err as Error).message}`);
      return;
    }
    this.later(0, [{ payload, record }]);
  }

  private onBadRequest(error: string, fields: Record<string, unknown>, receivedAt?: number): RequestRecord {
    const record = this.record({ fields, outcome: 'bad-request', error }, receivedAt);
    this.emit('warning', `request not understood: ${error}`);
    return record;
  }

  /**
   * receivedAt: raw TCP, when the request's last byte came. The quiet time that follows is the terminal's own
   * way of finding where a request ends, not the cash register's time (the bench counts it as the terminal's).
   */
  private record(entry: Omit<RequestRecord, 'at' | 'protocol' | 'framing' | 'timing'>, receivedAt = epochMs()): RequestRecord {
    const record: RequestRecord = { at: new Date().toISOString(), protocol: this.protocol, framing: this.framing, ...entry, timing: { receivedAt } };
    if (record.reference === undefined) delete record.reference;
    this.log.add(record);
    this.emit('request', record);
    return record;
  }

  /** Sends these answers after `delayMs` (the customer at the terminal); raw framing may put them in one write. */
  private later(delayMs: number, answers: PendingAnswer[], oneWrite = false): void {
    const ledgers = answers.map((a) => a.ledger).filter((l): l is LedgerFacts => l !== undefined);
    for (const l of ledgers) this.scheduledLedgers.add(l);
    const timer = setTimeout(() => {
      this.answerTimers.delete(timer);
      for (const l of ledgers) this.scheduledLedgers.delete(l);
      if (this.closed) return;
      for (const a of answers) if (a.record?.timing) a.record.timing.answerReadyAt = epochMs();
      if (this.runner) {
        this.pendingAnswers.push(...answers);
        this.flushAnswers();
        return;
      }
      const groups = oneWrite ? [answers] : answers.map((a) => [a]);
      for (const group of groups) {
        for (const a of group) if (a.record?.timing) a.record.timing.answerSentAt = epochMs();
        this.out(Buffer.concat(group.map((a) => a.payload)));
        for (const a of group) {
          if (a.record?.timing) a.record.timing.answeredAt = epochMs();
          if (a.ledger) this.ledger(a.ledger, this.peerConnected, this.peerConnected ? undefined : 'no cash register connected');
          this.emit('answered');
        }
      }
    }, delayMs);
    this.answerTimers.add(timer);
  }

  private clearTimers(): void {
    this.runner?.stop();
    this.rawRunner?.stop();
    for (const timer of this.answerTimers) clearTimeout(timer);
    this.answerTimers.clear();
  }
}

/** Wall-clock milliseconds with sub-millisecond precision (comparable across processes of one machine). */
function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

const EPOCH_CLOCK: RunnerClock = { now: epochMs, schedule: realClock.schedule };

