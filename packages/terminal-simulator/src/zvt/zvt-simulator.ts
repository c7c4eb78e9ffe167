/**
 * The simulated ZVT terminal as the CLI serves it: the sans-I/O core of terminal.ts over real time and a
 * byte stream, bare APDUs over TCP (framing 'raw', zvt.md "Framing": port 20007 by convention) or
 * DLE STX ... DLE ETX CRC frames with ACK/NAK on a serial line (framing 'link'). Same surface as the Concert
 * TerminalSimulator, so serveTcp, serveSerial and the control interface (GET /requests, POST /behaviour)
 * work unchanged: 'output' events, input(), a request log and an answer ledger. Both the terminal's core and
 * the serial link run on @ecr/protocol's LinkRunner: one timer each, at the machine's deadline.
 */
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { realClock } from '@ecr/common';
import { LinkRunner, zvt, type MachineStep } from '@ecr/protocol';
import { AnswerLog } from '../answer-log';
import { TIDY_ANSWERS, type AnswerForms } from '../answer-forms';
import { applyBehaviourPatch, NO_FAULTS, type Behaviour, type BehaviourPatch, type Faults, type Outcome } from '../behaviour';
import { RequestLog, type Framing, type RequestRecord } from '../request-log';
import type { LineCounters, SimulatorEvents } from '../simulator';
import { ZvtTerminal, type ZvtTerminalEvent } from './terminal';

export interface ZvtSimulatorOptions {
  /** 'raw': bare APDUs (TCP); 'link': the DLE/CRC serial link. */
  framing: Framing;
  outcome: Outcome;
  delayMs: number;
  requestLogPath?: string;
  answerLogPath?: string;
  faults?: Partial<Faults>;
  answers?: Partial<AnswerForms>;
  /** 8 digits; the core's default otherwise. */
  terminalId?: string;
}

export class ZvtSimulator extends EventEmitter<SimulatorEvents> {
  readonly protocol = 'zvt';
  readonly framing: Framing;
  /** TCP: whether a cash register is connected (serveTcp keeps it). */
  peerConnected = true;
  private current: Behaviour;
  private readonly terminal: LinkRunner<ZvtTerminal, ZvtTerminalEvent>;
  private readonly log: RequestLog;
  private readonly answerLog: AnswerLog;
  /** Framing 'link' only. */
  private readonly link?: LinkRunner<zvt.ZvtSerialLink, zvt.ZvtLinkEvent>;
  private readonly deframer = new zvt.ZvtTcpDeframer();
  private readonly counters: LineCounters = { bytesIn: 0, bytesOut: 0, chunksIn: 0, chunksOut: 0 };
  /** The payment the terminal runs: its request record, for the ledger. */
  private paying?: RequestRecord;
  private closed = false;

  constructor(options: ZvtSimulatorOptions) {
    super();
    if (options.framing !== 'link' && options.framing !== 'raw') throw new RangeError(`framing must be link or raw, got ${String(options.framing)}`);
    this.framing = options.framing;
    const checked = checkZvtBehaviour({ outcome: 'approve', delayMs: 0, faults: { ...NO_FAULTS }, answers: { ...TIDY_ANSWERS } }, {
      outcome: options.outcome,
      delayMs: options.delayMs,
      faults: options.faults ?? {},
      answers: options.answers ?? {},
    });
    this.current = checked;
    this.terminal = new LinkRunner<ZvtTerminal, ZvtTerminalEvent>({
      machine: new ZvtTerminal({ outcome: checked.outcome, delayMs: checked.delayMs, terminalId: options.terminalId }),
      write: (apdu) => this.send(Buffer.from(apdu)),
      clock: realClock,
      onEvent: (event, step) => this.onTerminalEvent(event, step),
    });
    this.log = new RequestLog(options.requestLogPath, (m) => this.emit('warning', m));
    this.answerLog = new AnswerLog(options.answerLogPath, (m) => this.emit('warning', m));
    if (this.framing === 'link') {
      this.link = new LinkRunner<zvt.ZvtSerialLink, zvt.ZvtLinkEvent>({
        machine: new zvt.ZvtSerialLink({ role: 'terminal' }),
        write: (bytes) => this.out(Buffer.from(bytes)),
        clock: realClock,
        onEvent: (event) => this.onLinkEvent(event),
      });
    }
  }

  get terminalId(): string {
    return this.terminal.machine.terminalId;
  }

  get behaviour(): Behaviour {
    return { ...this.current, faults: { ...this.current.faults }, answers: { ...this.current.answers } };
  }

  get requests(): RequestRecord[] {
    return this.log.all();
  }

  get answers(): ReturnType<AnswerLog['all']> {
    return this.answerLog.all();
  }

  get lineCounters(): LineCounters {
    return { ...this.counters };
  }

  /** Outcome and delay apply from the customer's next decision on (the core reads them when the delay ends). */
  setBehaviour(patch: BehaviourPatch | Behaviour): void {
    this.current = checkZvtBehaviour(this.current, patch);
    this.terminal.machine.outcome = this.current.outcome;
    this.terminal.machine.delayMs = this.current.delayMs;
  }

  input(bytes: Buffer): void {
    if (this.closed || bytes.length === 0) return;
    this.counters.bytesIn += bytes.length;
    this.counters.chunksIn += 1;
    if (this.current.faults.deaf) return;
    if (this.link) this.link.receive(bytes);
    else for (const apdu of this.deframer.push(bytes)) this.toTerminal(apdu);
  }

  /** A new TCP connection: half-received bytes are forgotten; the payment the customer is making is not. */
  reset(): void {
    this.deframer.reset();
    this.link?.replace(new zvt.ZvtSerialLink({ role: 'terminal' }));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.terminal.stop();
    this.link?.stop();
    if (this.paying) this.ledger('abandon', this.paying, false, 'the terminal was stopped before the payment ended');
    this.paying = undefined;
  }

  private toTerminal(apdu: zvt.Apdu): void {
    this.terminal.do((terminal, now) => terminal.receive(apdu, now));
  }

  private onTerminalEvent(event: ZvtTerminalEvent, step: MachineStep<ZvtTerminalEvent>): void {
    switch (event.type) {
      case 'command':
        // The core acknowledges a command it takes with 80 00 00 and refuses one with 84 xx.
        this.onCommand(event.command, step.write[0]?.[0] === 0x80);
        break;
      case 'payment-done': {
        const record = this.paying;
        this.paying = undefined;
        const outcome = event.outcome === 'aborted' ? 'abandon' : event.outcome;
        if (record) this.ledger(outcome, record, true);
        break;
      }
      case 'ecr-no-ack':
        this.emit('answer-failed', 'the cash register did not acknowledge a message (no 80 00 00 within T3): the rest of the command was dropped');
        break;
      case 'warning':
        this.emit('warning', event.message);
        break;
    }
  }

  private onCommand(command: zvt.EcrCommand, taken: boolean): void {
    if (command.type === 'ack' || command.type === 'nak') return;
    const isPayment = command.type === 'authorisation';
    const record: RequestRecord = {
      at: new Date().toISOString(),
      timing: { receivedAt: performance.timeOrigin + performance.now() },
      protocol: 'zvt',
      framing: this.framing,
      fields: { command: command.type, taken, ...(command.type === 'malformed' ? { error: command.error } : {}) },
      outcome: isPayment ? (taken ? this.current.outcome : 'bad-request') : 'immediate',
    };
    if (isPayment) {
      if (command.amount !== undefined) record.amount = command.amount;
      if (command.currencyNumeric !== undefined) record.currencyNumeric = command.currencyNumeric;
      if (taken) this.paying = record;
    }
    this.log.add(record);
    this.emit('request', record);
  }

  private ledger(outcome: 'approve' | 'decline' | 'abandon' | 'timeout', record: RequestRecord, delivered: boolean, reason?: string): void {
    if (outcome === 'timeout') return; // a silent terminal gives no answer
    this.answerLog.add({
      kind: 'answer',
      outcome,
      requestAmount: record.amount,
      amount: outcome === 'approve' ? record.amount : undefined,
      currencyNumeric: record.currencyNumeric,
      delivered,
      ...(reason ? { reason } : {}),
    });
  }

  private send(apdu: Buffer): void {
    if (this.link) this.link.do((link, now) => link.send(apdu, now));
    else this.out(apdu);
  }

  private onLinkEvent(event: zvt.ZvtLinkEvent): void {
    if (event.type === 'message') {
      const parsed = zvt.parseApdu(event.apdu);
      if (parsed.kind === 'apdu') this.toTerminal(parsed.apdu);
      else this.emit('warning', `a frame holding no whole APDU (${event.apdu.length} bytes) was ignored`);
    } else if (event.type === 'send-failed') {
      this.emit('answer-failed', event.reason === 'nak-limit' ? 'the cash register NAKed a frame too often' : 'the cash register did not ACK a frame');
    } else if (event.type === 'noise') {
      this.emit('noise', event.bytes);
    }
  }

  private out(bytes: Buffer): void {
    this.counters.bytesOut += bytes.length;
    this.counters.chunksOut += 1;
    this.emit('output', bytes);
  }
}

/**
 * The behaviour shape the Concert simulator takes; of its faults the ZVT terminal plays `deaf` only, and no
 * answer forms (those imitate Concert terminals): anything else is refused in one line, never ignored.
 */
function checkZvtBehaviour(current: Behaviour, patch: unknown): Behaviour {
  const checked = applyBehaviourPatch(current, patch);
  if (!checked.ok) throw new RangeError(checked.error);
  const { faults, answers } = checked.value;
  for (const key of Object.keys(NO_FAULTS) as (keyof Faults)[]) {
    if (key !== 'deaf' && faults[key] !== NO_FAULTS[key]) throw new RangeError(`the ZVT simulator plays the fault deaf only, not ${key}`);
  }
  for (const key of Object.keys(TIDY_ANSWERS) as (keyof AnswerForms)[]) {
    if (JSON.stringify(answers[key]) !== JSON.stringify(TIDY_ANSWERS[key])) throw new RangeError(`${key} is a Concert answer form; the ZVT simulator has none`);
  }
  return checked.value;
}
