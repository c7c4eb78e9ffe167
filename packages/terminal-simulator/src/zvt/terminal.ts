/**
 * The terminal's side of ZVT, sans-I/O: feed it the APDUs a cash register sends (with the time), write the
 * APDUs it returns, call tick() at `deadline`. The transport (TCP, or the serial link of @ecr/protocol) and
 * the real timers belong to whoever drives it.
 *
 * What it does, and where a real terminal or a public implementation shows it:
 * - every command is acknowledged with 80 00 00 first, and the terminal sends its next message only once the
 *   ECR has acknowledged the previous one (zvt.md "Framing"; EVerest/zvt `sequences.rs`);
 * - registration 06 00 -> 06 0F 19 xx 29 <TID> 49 <currency> (EVerest capture
 *   `1680761818.641601000_pt_ecr.blob`, bezahl-online `1620218414428PT.hex`), with or without the ECR's
 *   currency and TLV: ecrterm registers with password + config byte and an optional bare currency
 *   (`packets/base_packets.py` Registration), EVerest with password, config byte DE and currency
 *   (`zvt/data/1681273860.511128000_ecr_pt.blob`);
 * - payment 06 01, with or without BMP 49 and with an empty TLV `06 00` (ecrterm `ecr.py` payment():
 *   "currency can be skipped", tlv=[]): intermediate status 04 FF 0A "insert card" when the config byte asked
 *   for it (bit 08), then after `delayMs`:
 *   approve: 04 0F (27 00 and the card's fields, as EVerest `1680728165.675509000_pt_ecr.blob`), the
 *     receipt lines when the ECR prints (bit 02; 06 D1 lines with bit 80, else one 06 D3 block), 06 0F 00
 *     (EVerest `1680728165.827009000_pt_ecr.blob`);
 *   decline: 04 0F 27 05 ... then 06 1E 05 (bezahl-online `1618046758827PT.hex`: result 05 "Karte abgelehnt");
 *   abandon: 04 0F 27 6C 29 <TID> then 06 1E 6C (bezahl-online `data081537039.hex`, `data091355012.hex`);
 *   timeout: nothing more (the ECR's T4 runs out; the payment stays open until 06 B0 or 06 18);
 * - abort 06 B0 while a payment waits for its customer: 80 00 00, then the abandon pair with result 6C
 *   (zvt.md "Abort"); once the outcome went out it is too late and the payment ends as it was;
 * - status enquiry 05 01 -> 06 0F <software version LLLVAR> 00 <TLV 1F44 TID> (EVerest
 *   `1680728219.054216000_pt_ecr.blob`), with or without a password (EVerest StatusEnquiry);
 * - end of day 06 50 -> 04 FF, the report's lines, 04 0F 27 00 04 <total> 0B 0C 0D 60 <totals>, 06 0F 00
 *   (EVerest `1680761828.489701000_pt_ecr.blob`); the totals are this simulator's approved payments;
 * - diagnosis 06 70 -> 04 FF, lines, 06 0F 00; reset 06 18 -> 06 0F 00 (EVerest ResetTerminalResponse);
 * - anything else, or a command while one runs: 84 83 00 "function not possible" (Oexyz/zvt2sumup
 *   `docs/ZVT_COMPATIBILITY.md`).
 */
import { zvt } from '@ecr/protocol';
import type { Outcome } from '../behaviour';
import { TEST_CARD } from '../test-card';
import { diagnosisLines, endOfDayLines, paymentReceiptLines } from './receipt-lines';

export interface ZvtTerminalOptions {
  outcome: Outcome;
  /** Time the customer takes, milliseconds. */
  delayMs: number;
  /** 8 digits. */
  terminalId?: string;
  softwareVersion?: string;
  /** How long the terminal waits for the ECR's 80 00 00 (ecrterm T3: 5 s). */
  ackTimeoutMs?: number;
}

export type ZvtTerminalEvent =
  /** A command arrived (decoded). */
  | { type: 'command'; command: zvt.EcrCommand }
  /** A payment ended: what the terminal told the ECR. */
  | { type: 'payment-done'; outcome: Outcome | 'aborted'; amount?: number; currencyNumeric?: string }
  /** The ECR did not acknowledge a message within T3: the rest of the command was dropped. */
  | { type: 'ecr-no-ack' }
  | { type: 'warning'; message: string };

export interface ZvtTerminalStep {
  write: Buffer[];
  events: ZvtTerminalEvent[];
}

type Item = { kind: 'send'; apdu: Buffer } | { kind: 'pause'; ms: number; next: (now: number, step: ZvtTerminalStep) => Item[] };

const DEFAULT_TID = '29001006';
const VU_NUMBER = '100764992';
/** "function not possible" (zvt2sumup). */
const NOT_POSSIBLE = 0x83;

export class ZvtTerminal {
  outcome: Outcome;
  delayMs: number;
  readonly terminalId: string;
  private readonly softwareVersion: string;
  private readonly ackTimeoutMs: number;
  private configByte = 0;
  private currencyNumeric = '978';
  private busy: 'payment' | 'admin' | undefined;
  private outbox: Item[] = [];
  private awaitingAckUntil: number | undefined;
  private pauseUntil: number | undefined;
  /** The payment's outcome went out: an abort is too late. */
  private committed = false;
  /** A 'timeout' payment: open, silent, until 06 B0 or 06 18. */
  private hanging = false;
  private payment: { amount?: number; currencyNumeric?: string } | undefined;
  private trace = 0;
  private receipt = 0;
  private batch = { count: 0, total: 0, firstReceipt: 0 };

  constructor(options: ZvtTerminalOptions) {
    this.outcome = options.outcome;
    this.delayMs = options.delayMs;
    this.terminalId = options.terminalId ?? DEFAULT_TID;
    if (!/^\d{8}$/.test(this.terminalId)) throw new RangeError('terminal id must be 8 digits');
    this.softwareVersion = options.softwareVersion ?? 'ECR-SIMULATOR-ZVT 1.0';
    this.ackTimeoutMs = options.ackTimeoutMs ?? 5000;
  }

  get deadline(): number | undefined {
    return this.awaitingAckUntil ?? this.pauseUntil;
  }

  /** A command runs (payment or administration). */
  get isBusy(): boolean {
    return this.busy !== undefined;
  }

  receive(apdu: zvt.Apdu, now: number): ZvtTerminalStep {
    const step = this.expire(now);
    const command = zvt.decodeEcrCommand(apdu);
    if (command.type === 'ack' || command.type === 'nak') {
      if (this.awaitingAckUntil === undefined) {
        step.events.push({ type: 'warning', message: `unexpected ${command.type === 'ack' ? '80 00 00' : '84'} from the ECR` });
      } else {
        if (command.type === 'nak') step.events.push({ type: 'warning', message: `the ECR refused a message (84 ${command.code.toString(16)})` });
        this.awaitingAckUntil = undefined;
        this.pump(now, step);
      }
      return step;
    }
    step.events.push({ type: 'command', command });
    if (command.type === 'abort' && this.busy === 'payment') {
      step.write.push(zvt.encodeAck());
      if (!this.committed) {
        this.hanging = false;
        this.pauseUntil = undefined;
        this.committed = true;
        this.outbox = this.endPayment('aborted', now, step);
      }
      this.pump(now, step);
      return step;
    }
    if (command.type === 'reset' && this.hanging) {
      // A reset ends the silent payment: the terminal restarts (nothing was charged).
      this.hanging = false;
      this.busy = undefined;
      this.outbox = [];
      step.events.push({ type: 'payment-done', outcome: 'aborted', amount: this.payment?.amount, currencyNumeric: this.payment?.currencyNumeric });
    }
    if (this.busy || command.type === 'unknown' || command.type === 'abort') {
      step.write.push(zvt.encodeNak(NOT_POSSIBLE));
      return step;
    }
    if (command.type === 'malformed') {
      step.events.push({ type: 'warning', message: `${command.command}: ${command.error}` });
      step.write.push(zvt.encodeNak(NOT_POSSIBLE));
      return step;
    }
    step.write.push(zvt.encodeAck());
    this.outbox = this.script(command, now);
    this.busy = command.type === 'authorisation' ? 'payment' : 'admin';
    this.pump(now, step);
    return step;
  }

  tick(now: number): ZvtTerminalStep {
    const step = this.expire(now);
    this.pump(now, step);
    return step;
  }

  private expire(now: number): ZvtTerminalStep {
    const step: ZvtTerminalStep = { write: [], events: [] };
    if (this.awaitingAckUntil !== undefined && now >= this.awaitingAckUntil) {
      this.awaitingAckUntil = undefined;
      this.outbox = [];
      this.pauseUntil = undefined;
      if (!this.hanging) this.busy = undefined;
      step.events.push({ type: 'ecr-no-ack' });
    }
    return step;
  }

  private pump(now: number, step: ZvtTerminalStep): void {
    while (this.awaitingAckUntil === undefined && this.outbox.length > 0) {
      const item = this.outbox[0];
      if (item.kind === 'send') {
        this.outbox.shift();
        step.write.push(item.apdu);
        this.awaitingAckUntil = now + this.ackTimeoutMs;
        return;
      }
      this.pauseUntil ??= now + item.ms;
      if (now < this.pauseUntil) return;
      this.pauseUntil = undefined;
      this.outbox.shift();
      this.outbox.unshift(...item.next(now, step));
    }
    if (this.awaitingAckUntil === undefined && this.outbox.length === 0 && !this.hanging) this.busy = undefined;
  }

  private script(command: zvt.EcrCommand, now: number): Item[] {
    const send = (apdu: Buffer): Item => ({ kind: 'send', apdu });
    const status = (code: number): Item[] => (this.configByte & zvt.ZVT_CONFIG.intermediateStatus ? [send(zvt.encodeIntermediateStatus(code))] : []);
    switch (command.type) {
      case 'registration':
        this.configByte = command.configByte;
        if (command.currencyNumeric) this.currencyNumeric = command.currencyNumeric;
        return [send(zvt.encodeCompletion({ paymentType: 0x10, terminalId: this.terminalId, currencyNumeric: this.currencyNumeric }))];
      case 'authorisation':
        this.committed = false;
        this.payment = { amount: command.amount, currencyNumeric: command.currencyNumeric };
        if (command.amount === undefined) {
          // No amount: nothing to pay. 06 1E 9A "ZVT protocol error" (ecrterm ERRORCODES).
          this.committed = true;
          return [send(zvt.encodeAbort(0x9a))];
        }
        return [...status(0x0a), { kind: 'pause', ms: this.delayMs, next: (at, s) => this.decide(at, s) }];
      case 'status-enquiry':
        return [send(zvt.encodeStatusCompletion({ softwareVersion: this.softwareVersion, terminalStatus: 0x00, terminalId: this.terminalId }))];
      case 'end-of-day':
        return [...status(0x0e), ...this.endOfDay(now)];
      case 'diagnosis':
        return [...status(0xc9), ...this.printItems(diagnosisLines({ terminalId: this.terminalId, at: new Date(now) }), zvt.ZVT_CONFIG.ecrPrintsAdminReceipt), send(zvt.encodeCompletion())];
      case 'reset':
        return [send(zvt.encodeCompletion())];
      default:
        return [];
    }
  }

  /** The customer is done: the outcome is read now, so a behaviour change during the delay applies. */
  private decide(now: number, step: ZvtTerminalStep): Item[] {
    this.committed = true;
    if (this.outcome === 'timeout') {
      this.hanging = true;
      return [];
    }
    return this.endPayment(this.outcome, now, step);
  }

  private endPayment(outcome: Exclude<Outcome, 'timeout'> | 'aborted', now: number, step: ZvtTerminalStep): Item[] {
    const p = this.payment ?? {};
    const amount = p.amount ?? 0;
    const currency = p.currencyNumeric ?? this.currencyNumeric;
    step.events.push({ type: 'payment-done', outcome, amount, currencyNumeric: currency });
    const send = (apdu: Buffer): Item => ({ kind: 'send', apdu });
    if (outcome === 'approve') {
      const at = new Date(now);
      this.trace += 1;
      this.receipt += 1;
      if (this.batch.count === 0) this.batch.firstReceipt = this.receipt;
      this.batch.count += 1;
      this.batch.total += amount;
      const maskedPan = zvt.maskPan(TEST_CARD.pan);
      const authorisationNumber = String(100000 + ((this.trace * 7919) % 900000));
      const info = zvt.encodeStatusInformation({
        resultCode: 0x00,
        amount,
        currencyNumeric: currency,
        time: hhmmss(at),
        date: mmdd(at),
        pan: maskedPan,
        receiptNumber: this.receipt,
        authorisationNumber,
        traceNumber: this.trace,
        paymentType: 0x60,
        terminalId: this.terminalId,
        expiry: '3012',
        cardType: 0x0a,
        cardName: TEST_CARD.label,
        vuNumber: VU_NUMBER,
        tlv: [{ tag: 0x60, value: Buffer.alloc(0), children: [{ tag: 0x43, value: Buffer.from(TEST_CARD.aid, 'hex') }] }],
      });
      const lines = paymentReceiptLines({ terminalId: this.terminalId, traceNumber: this.trace, receiptNumber: this.receipt, maskedPan, cardName: TEST_CARD.label, aid: TEST_CARD.aid, authorisationNumber, amount, currencyNumeric: currency, at });
      return [send(info), ...this.printItems(lines, zvt.ZVT_CONFIG.ecrPrintsPaymentReceipt), send(zvt.encodeCompletion())];
    }
    const code = outcome === 'decline' ? 0x05 : 0x6c;
    const info = zvt.encodeStatusInformation({ resultCode: code, terminalId: this.terminalId, ...(outcome === 'decline' ? { amount, additionalText: 'card refused' } : {}) });
    return [send(info), send(zvt.encodeAbort(code))];
  }

  private endOfDay(now: number): Item[] {
    const at = new Date(now);
    const send = (apdu: Buffer): Item => ({ kind: 'send', apdu });
    const b = this.batch;
    this.trace += 1;
    const byCard = (['girocard', 'jcb', 'eurocard', 'amex', 'visa', 'diners', 'others'] as const).map((card) =>
      card === 'others' ? { count: b.count, amount: b.total } : { count: 0, amount: 0 },
    );
    const totals = zvt.encodeTotals({ receiptFrom: b.count ? b.firstReceipt : 0, receiptTo: b.count ? this.receipt : 0, byCard });
    const info = zvt.encodeStatusInformation({ resultCode: 0x00, amount: b.total, traceNumber: this.trace, time: hhmmss(at), date: mmdd(at), totals });
    const lines = endOfDayLines({ terminalId: this.terminalId, count: b.count, total: b.total, at });
    this.batch = { count: 0, total: 0, firstReceipt: 0 };
    return [...this.printItems(lines, zvt.ZVT_CONFIG.ecrPrintsAdminReceipt), send(info), send(zvt.encodeCompletion())];
  }

  /** Lines for the ECR to print, if its config byte asked for this kind of receipt. */
  private printItems(lines: string[], kindBit: number): Item[] {
    if (!(this.configByte & kindBit)) return [];
    if (this.configByte & zvt.ZVT_CONFIG.printLines) return lines.map((l) => ({ kind: 'send', apdu: zvt.encodePrintLine(l) }));
    return [{ kind: 'send', apdu: zvt.encodePrintTextBlock(lines) }];
  }
}

function hhmmss(d: Date): string {
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join('');
}

function mmdd(d: Date): string {
  return [d.getMonth() + 1, d.getDate()].map((n) => String(n).padStart(2, '0')).join('');
}
