/**
 * The ECR side of ZVT's sequences as a sans-I/O state machine: APDUs and time in, APDUs to write and events
 * out. Transport-free: a driver feeds it the APDUs its TCP deframer or serial link delivers, writes what it
 * returns and calls tick() at `deadline`.
 *
 * One command at a time (money rule 2): a command asked for while another runs is rejected, nothing written.
 * Every terminal message is acknowledged with 80 00 00 before anything else (EVerest/zvt `sequences.rs`:
 * "every message requires an ack"), including messages outside a command, which are reported as
 * 'unsolicited' for reconciliation and never credited to a command (money rule 3).
 * Time-outs (ecrterm `transmission/signals.py`): T3 5 s for the terminal's 80 00 00, T4 180 s between two
 * terminal messages while a command runs.
 */
import type { Apdu } from './apdu';
import { terminalStatusText, resultCodeText } from './codes';
import {
  encodeAbortCommand,
  encodeAck,
  encodeAuthorisation,
  encodeDiagnosis,
  encodeEndOfDay,
  encodeRegistration,
  encodeResetTerminal,
  encodeStatusEnquiry,
  type TlvOption,
} from './ecr-commands';
import { decodeTotals, type ZvtFields, type ZvtTotals } from './fields';
import { zvtPaymentResult, type PaymentEvidence, type ZvtPaymentResult } from './payment-result';
import { decodeCompletion, decodeStatusCompletion, decodeTerminalMessage, type ZvtTerminalMessage } from './terminal-messages';

export type ZvtCommandName = 'registration' | 'payment' | 'status-enquiry' | 'end-of-day' | 'diagnosis' | 'reset';

export interface ZvtSessionOptions {
  /** Six digits (config ZVT_PASSWORD). */
  password: string;
  configByte?: number;
  /** Currency announced at registration (ISO numeric, "978"); none by default. */
  registrationCurrency?: string;
  /** T3: wait for the terminal's 80 00 00. Default 5000. */
  ackTimeoutMs?: number;
  /** T4: longest silence of the terminal while a command runs. Default 180000. */
  answerTimeoutMs?: number;
}

/** The end of a command other than a payment. */
export interface ZvtCommandResult {
  command: Exclude<ZvtCommandName, 'payment'>;
  /** ok: 06 0F; failed: 06 1E or a result code other than 00; refused: 84 xx; unknown: no ack or no answer in time. */
  outcome: 'ok' | 'failed' | 'refused' | 'unknown';
  reason?: string;
  resultCode?: number;
  /** Print lines received (end of day, diagnosis...). */
  lines: string[];
  terminalId?: string;
  currencyNumeric?: string;
  /** Status enquiry: the terminal status byte and its meaning. */
  terminalStatus?: number;
  terminalStatusText?: string;
  softwareVersion?: string;
  serialNumber?: string;
  /** End of day: the total (BMP 04) and totals by card family (BMP 60). */
  total?: number;
  totals?: ZvtTotals;
}

export type ZvtSessionEvent =
  /** The terminal acknowledged the command (80 00 00): it is running. */
  | { type: 'command-accepted'; command: ZvtCommandName }
  | { type: 'intermediate'; code: number; text: string }
  | { type: 'print-line'; text: string }
  | { type: 'status-information'; fields: ZvtFields }
  | { type: 'payment-result'; result: ZvtPaymentResult }
  | { type: 'command-result'; result: ZvtCommandResult }
  /** Our 06 B0 was sent / acknowledged / refused by the terminal. */
  | { type: 'abort-sent' }
  | { type: 'abort-acknowledged' }
  | { type: 'abort-refused'; code: number }
  /** Not started: another command runs (money rule 2), or nothing to abort. Nothing was written. */
  | { type: 'rejected'; command: ZvtCommandName | 'abort'; reason: string }
  /** A terminal message outside any command (acknowledged, kept for reconciliation). */
  | { type: 'unsolicited'; message: ZvtTerminalMessage }
  /** A message that did not fully decode; its fields before the problem were used. */
  | { type: 'warning'; message: string };

export interface ZvtSessionStep {
  /** APDUs to write, in order. */
  write: Buffer[];
  events: ZvtSessionEvent[];
}

interface Running {
  command: ZvtCommandName;
  /** Waiting for the command's 80 00 00 (T3), or running (T4). */
  phase: 'awaiting-ack' | 'running';
  deadline: number;
  payment?: { amount: number; currencyNumeric?: string };
  statusInformation: ZvtFields[];
  lines: string[];
  abortRequested: boolean;
  /** 06 B0 sent and its 80 00 00 not yet seen. */
  abortAckPending: boolean;
}

export class ZvtEcrSession {
  private readonly password: string;
  private readonly configByte?: number;
  private readonly registrationCurrency?: string;
  private readonly ackTimeoutMs: number;
  private readonly answerTimeoutMs: number;
  private running: Running | undefined;

  constructor(options: ZvtSessionOptions) {
    if (!/^\d{6}$/.test(options.password)) throw new RangeError('ZVT password must be 6 digits (ZVT_PASSWORD)');
    this.password = options.password;
    this.configByte = options.configByte;
    this.registrationCurrency = options.registrationCurrency;
    this.ackTimeoutMs = positive('ackTimeoutMs', options.ackTimeoutMs ?? 5000);
    this.answerTimeoutMs = positive('answerTimeoutMs', options.answerTimeoutMs ?? 180_000);
  }

  /** When to call tick(); undefined while idle. */
  get deadline(): number | undefined {
    return this.running?.deadline;
  }

  /** The running command, if any. */
  get current(): ZvtCommandName | undefined {
    return this.running?.command;
  }

  register(now: number, tlv?: TlvOption): ZvtSessionStep {
    return this.start('registration', now, () =>
      encodeRegistration({ password: this.password, configByte: this.configByte, currencyNumeric: this.registrationCurrency, tlv }),
    );
  }

  /** Throws RangeError on an amount or currency that cannot be encoded (check them before calling). */
  pay(request: { amount: number; currencyNumeric?: string }, now: number): ZvtSessionStep {
    const apdu = encodeAuthorisation({ amount: request.amount, currencyNumeric: request.currencyNumeric });
    const step = this.start('payment', now, () => apdu);
    if (this.running?.command === 'payment' && step.write.length > 0) this.running.payment = { ...request };
    return step;
  }

  statusEnquiry(now: number): ZvtSessionStep {
    return this.start('status-enquiry', now, () => encodeStatusEnquiry({ password: this.password }));
  }

  endOfDay(now: number): ZvtSessionStep {
    return this.start('end-of-day', now, () => encodeEndOfDay(this.password));
  }

  diagnosis(now: number): ZvtSessionStep {
    return this.start('diagnosis', now, () => encodeDiagnosis());
  }

  reset(now: number): ZvtSessionStep {
    return this.start('reset', now, () => encodeResetTerminal());
  }

  /** 06 B0 while a command runs; the command then ends with the terminal's own answer (06 1E as a rule). */
  abort(now: number): ZvtSessionStep {
    const step = this.newStep(now);
    const r = this.running;
    if (!r) {
      step.events.push({ type: 'rejected', command: 'abort', reason: 'no command is running' });
      return step;
    }
    if (r.abortRequested) {
      step.events.push({ type: 'rejected', command: 'abort', reason: 'an abort was already sent' });
      return step;
    }
    r.abortRequested = true;
    r.abortAckPending = true;
    step.write.push(encodeAbortCommand());
    step.events.push({ type: 'abort-sent' });
    return step;
  }

  receive(apdu: Apdu, now: number): ZvtSessionStep {
    const step = this.newStep(now);
    const message = decodeTerminalMessage(apdu);
    const r = this.running;

    if (message.type === 'ack' || message.type === 'nak') {
      // Acknowledgements are never acknowledged.
      if (!r) {
        step.events.push({ type: 'unsolicited', message });
      } else if (r.phase === 'awaiting-ack') {
        if (message.type === 'ack') {
          r.phase = 'running';
          r.deadline = now + this.answerTimeoutMs;
          step.events.push({ type: 'command-accepted', command: r.command });
        } else {
          this.finish(step, { kind: 'refused', code: message.code });
        }
      } else if (r.abortAckPending) {
        r.abortAckPending = false;
        step.events.push(message.type === 'ack' ? { type: 'abort-acknowledged' } : { type: 'abort-refused', code: message.code });
      } else {
        step.events.push({ type: 'unsolicited', message });
      }
      return step;
    }

    step.write.push(encodeAck());
    if (!r || r.phase === 'awaiting-ack') {
      // Before the command's 80 00 00 a terminal message cannot be an answer to it.
      step.events.push({ type: 'unsolicited', message });
      return step;
    }
    r.deadline = now + this.answerTimeoutMs;
    switch (message.type) {
      case 'intermediate':
        step.events.push({ type: 'intermediate', code: message.code, text: message.text });
        return step;
      case 'print-line':
        r.lines.push(message.text);
        step.events.push({ type: 'print-line', text: message.text });
        return step;
      case 'print-block':
        if (message.error) step.events.push({ type: 'warning', message: `print text block: ${message.error}` });
        for (const text of message.lines) {
          r.lines.push(text);
          step.events.push({ type: 'print-line', text });
        }
        return step;
      case 'status-information':
        if (message.error) step.events.push({ type: 'warning', message: `status information: ${message.error}` });
        r.statusInformation.push(message.fields);
        step.events.push({ type: 'status-information', fields: message.fields });
        return step;
      case 'completion':
        this.finish(step, { kind: 'completion', data: message.data });
        return step;
      case 'abort':
        this.finish(step, { kind: 'abort', resultCode: message.resultCode });
        return step;
      default:
        // e.g. 04 01 set time and date during a diagnosis (EVerest DiagnosisResponse): taken, not needed.
        step.events.push({ type: 'unsolicited', message });
        return step;
    }
  }

  tick(now: number): ZvtSessionStep {
    return this.newStep(now);
  }

  private start(command: ZvtCommandName, now: number, encode: () => Buffer): ZvtSessionStep {
    const step = this.newStep(now);
    if (this.running) {
      step.events.push({ type: 'rejected', command, reason: `the terminal is busy with ${this.running.command}` });
      return step;
    }
    const apdu = encode();
    this.running = { command, phase: 'awaiting-ack', deadline: now + this.ackTimeoutMs, statusInformation: [], lines: [], abortRequested: false, abortAckPending: false };
    step.write.push(apdu);
    return step;
  }

  private newStep(now: number): ZvtSessionStep {
    if (!Number.isFinite(now)) throw new RangeError(`now must be a finite number of milliseconds, got ${now}`);
    const step: ZvtSessionStep = { write: [], events: [] };
    const r = this.running;
    if (r && now >= r.deadline) this.finish(step, r.phase === 'awaiting-ack' ? { kind: 'no-ack' } : { kind: 'timeout' });
    return step;
  }

  private finish(
    step: ZvtSessionStep,
    end: { kind: 'completion'; data: Buffer } | { kind: 'abort'; resultCode: number } | { kind: 'refused'; code: number } | { kind: 'no-ack' } | { kind: 'timeout' },
  ): void {
    const r = this.running;
    if (!r) return;
    this.running = undefined;
    if (r.command === 'payment' && r.payment) {
      let evidenceEnd: PaymentEvidence['end'];
      if (end.kind === 'completion') {
        const c = decodeCompletion(end.data);
        if (c.error) step.events.push({ type: 'warning', message: `completion: ${c.error}` });
        evidenceEnd = { kind: 'completion', fields: c.fields };
      } else {
        evidenceEnd = end;
      }
      const result = zvtPaymentResult({ request: r.payment, statusInformation: r.statusInformation, receiptLines: r.lines, abortRequested: r.abortRequested, end: evidenceEnd });
      step.events.push({ type: 'payment-result', result });
      return;
    }
    step.events.push({ type: 'command-result', result: commandResult(r, end) });
  }
}

function commandResult(
  r: Running,
  end: { kind: 'completion'; data: Buffer } | { kind: 'abort'; resultCode: number } | { kind: 'refused'; code: number } | { kind: 'no-ack' } | { kind: 'timeout' },
): ZvtCommandResult {
  const command = r.command as ZvtCommandResult['command'];
  const result: ZvtCommandResult = { command, outcome: 'unknown', lines: r.lines };
  const info = r.statusInformation[r.statusInformation.length - 1];
  if (info) {
    if (info.terminalId) result.terminalId = info.terminalId;
    if (info.amount !== undefined && command === 'end-of-day') result.total = info.amount;
    const totals = info.totals ? decodeTotals(info.totals) : undefined;
    if (totals) result.totals = totals;
  }
  switch (end.kind) {
    case 'no-ack':
      result.reason = 'the terminal did not acknowledge the command';
      return result;
    case 'timeout':
      result.reason = 'the terminal did not finish the command in time';
      return result;
    case 'refused':
      result.outcome = 'refused';
      result.resultCode = end.code;
      result.reason = `the terminal refused the command (84 ${hex(end.code)}): ${resultCodeText(end.code)}`;
      return result;
    case 'abort':
      result.outcome = 'failed';
      result.resultCode = end.resultCode;
      result.reason = `the terminal ended the command: ${resultCodeText(end.resultCode)} (06 1E ${hex(end.resultCode)})`;
      return result;
    case 'completion':
      break;
  }
  if (command === 'status-enquiry') {
    const s = decodeStatusCompletion(end.data);
    if (s.terminalStatus !== undefined) {
      result.terminalStatus = s.terminalStatus;
      result.terminalStatusText = terminalStatusText(s.terminalStatus);
    }
    if (s.softwareVersion) result.softwareVersion = s.softwareVersion;
    if (s.serialNumber) result.serialNumber = s.serialNumber;
    if (s.terminalId) result.terminalId = s.terminalId;
    result.outcome = 'ok';
    return result;
  }
  const c = decodeCompletion(end.data).fields;
  if (c.terminalId) result.terminalId = c.terminalId;
  if (c.currencyNumeric) result.currencyNumeric = c.currencyNumeric;
  const code = info?.resultCode ?? c.resultCode;
  if (code !== undefined && code !== 0) {
    result.outcome = 'failed';
    result.resultCode = code;
    result.reason = `the terminal reported ${resultCodeText(code)} (result ${hex(code)})`;
    return result;
  }
  if (code !== undefined) result.resultCode = code;
  result.outcome = 'ok';
  return result;
}

function positive(name: string, v: number): number {
  if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`session option ${name} must be a positive integer, got ${String(v)}`);
  return v;
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0').toUpperCase();
}
