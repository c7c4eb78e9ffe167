/**
 * ZVT in tp-manager: runs the sans-I/O ECR session of @ecr/protocol over a ZvtApduLink (bare APDUs over TCP,
 * DLE/CRC frames on serial), writes what it says, arms one timer at its deadline, and turns its events into
 * the driver's: a payment's end as an 'answer', everything else as the TerminalAdmin calls.
 *
 * - Registration 06 00 with ZVT_PASSWORD whenever the line (re)connects, and before a payment if it has not
 *   succeeded yet (zvt.md "Sequences": the config byte asks for intermediate status and ECR control).
 * - One command at a time (money rule 2): a payment, a status enquiry or an end of day asked for while another
 *   runs is refused before anything is written.
 * - ZVT answers carry no reference: the session ties a terminal message to the command it runs, and a
 *   payment's end goes out with the reference the runner gave that payment; a message outside any command is
 *   'unsolicited', acknowledged and handed to whoever keeps unattributed answers (money rule 3), never credited.
 * - /cancel is 06 B0; the payment ends only with the terminal's own answer (06 1E 6C as a rule).
 */
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { ConnectorError, type CheckStatus, type PaymentRequest, type TlcResult, type Logger } from '@ecr/common';
import { zvt } from '@ecr/protocol';
import type { Line } from '../transports/line';
import type { TerminalAdmin } from './terminal-admin';
import type { Capabilities, DecodedAnswer, PaymentDriver, PaymentDriverEvents } from './terminal-driver';
import type { ZvtApduLink } from './zvt-apdu-link';
import { zvtCheckStatus, zvtPaymentAnswer, zvtTlcResult } from './zvt-result';

export interface ZvtDriverOptions {
  /** ZVT_PASSWORD, six digits. */
  password: string;
  /**
   * The longest payment the supervisor waits for (PAYMENT_TIMEOUT_S). The session's T4 (silence of the
   * terminal during a command) is at least this plus a minute, so the payment runner's own time-out comes
   * first and a late answer still reaches the session that ran the payment.
   */
  paymentTimeoutMs: number;
  /** T3, the wait for the terminal's 80 00 00 (ecrterm `transmission/signals.py`: 5 s). */
  ackTimeoutMs?: number;
}

/** A payment result the terminal sent outside any command, for the unattributed store. */
export interface UnsolicitedAnswer {
  /** What it was, one line (never a card number). */
  what: string;
  answer: DecodedAnswer;
}

type AdminCommand = Exclude<zvt.ZvtCommandName, 'payment'>;

interface Waiter<T> {
  resolve(value: T): void;
  reject(err: Error): void;
}

/** ZVT T4 (ecrterm): 180 s between two terminal messages while a command runs. */
const ZVT_T4_MS = 180_000;
/** A /check burst shares one status enquiry; a result younger than this is reused. */
const STATUS_REUSE_MS = 1000;
/**
 * How long a payment or an administration command waits for a short command of ours to end (the
 * registration at connect, a /check's status enquiry: T3 plus one answer) before it is refused as busy.
 */
const WAIT_FOR_FREE_MS = 8000;

/**
 * Emits 'answer' (DecodedAnswer) for a payment's end, 'unsolicited' (UnsolicitedAnswer) for a terminal
 * message outside any command, and 'bad-answer' (string) for a message it could not fully read.
 */
export interface ZvtDriverEvents extends PaymentDriverEvents {
  unsolicited: [answer: UnsolicitedAnswer];
}

export class ZvtDriver extends EventEmitter<ZvtDriverEvents> implements PaymentDriver, TerminalAdmin {
  readonly capabilities: Capabilities = { tlc: true, reset: true, deviceId: true, abort: true };
  readonly protocol = 'zvt';
  readonly label = 'ZVT';
  private readonly session: zvt.ZvtEcrSession;
  private timer?: NodeJS.Timeout;
  /** reference: the runner's reference of the payment the session runs; its answer carries it. */
  private payment?: { reference: string; taken: Waiter<void>; accepted: boolean; linkFailed: boolean };
  private admin?: { command: AdminCommand; done: Waiter<zvt.ZvtCommandResult> };
  private registered = false;
  private registering?: Promise<boolean>;
  private terminalId?: string;
  private lastDisplay?: string;
  private statusInFlight?: Promise<CheckStatus>;
  private lastStatus?: { at: number; status: CheckStatus };
  private closed = false;
  /** Callers waiting for the session to be free (whenFree). */
  private freeWaiters: (() => void)[] = [];
  private readonly onApdu = (apdu: zvt.Apdu) => this.apply(this.session.receive(apdu, performance.now()));
  private readonly onState = (state: string) => {
    if (state === 'connected') void this.register();
    else this.registered = false; // a terminal that restarted wants a new registration
  };

  constructor(
    private readonly link: ZvtApduLink,
    private readonly line: Line,
    private readonly logger: Pick<Logger, 'info' | 'warn' | 'debug'>,
    options: ZvtDriverOptions,
  ) {
    super();
    this.session = new zvt.ZvtEcrSession({
      password: options.password,
      ackTimeoutMs: options.ackTimeoutMs ?? 5000,
      answerTimeoutMs: Math.max(ZVT_T4_MS, options.paymentTimeoutMs + 60_000),
    });
    link.on('apdu', this.onApdu);
    line.on('state', this.onState);
    if (line.state === 'connected') void this.register();
  }

  /** The latest intermediate status of the payment in progress ("insert card", "PIN entry"...). */
  get display(): string | undefined {
    return this.payment ? this.lastDisplay : undefined;
  }

  /** Resolves once the terminal acknowledged the payment (80 00 00); its end comes as an 'answer' event. */
  async sendPayment(request: PaymentRequest): Promise<void> {
    await this.whenFree('a payment');
    if (!this.registered && !(await this.register())) {
      throw new Error('the terminal did not accept the registration (06 00): check ZVT_PASSWORD and the terminal\'s ECR interface; no payment was sent');
    }
    this.assertFree('a payment');
    return new Promise<void>((resolve, reject) => {
      this.payment = { reference: request.reference, taken: { resolve, reject }, accepted: false, linkFailed: false };
      this.lastDisplay = undefined;
      this.apply(this.session.pay({ amount: request.amount, currencyNumeric: request.currencyNumeric }, performance.now()), 'payment');
    });
  }

  /** 06 B0; the payment goes on until the terminal's own answer. */
  abort(): Promise<void> {
    if (this.session.current !== 'payment') return Promise.reject(new ConnectorError('bad-request', 'no payment is running at the terminal'));
    this.apply(this.session.abort(performance.now()));
    return Promise.resolve();
  }

  /** "Is the terminal there": its answer to a status enquiry. */
  async probe(): Promise<boolean> {
    if (this.line.state !== 'connected') return false;
    if (this.session.current) return true; // it is answering a command now
    return this.status().then(
      (s) => s.cr !== '3',
      () => false,
    );
  }

  /** Status enquiry 05 01, shared by concurrent callers and reused for a second. */
  status(): Promise<CheckStatus> {
    if (this.statusInFlight) return this.statusInFlight;
    if (this.lastStatus && performance.now() - this.lastStatus.at < STATUS_REUSE_MS) return Promise.resolve(this.lastStatus.status);
    const run = this.run('status-enquiry')
      .then((result) => {
        if (result.terminalId) this.terminalId = result.terminalId;
        const status = zvtCheckStatus(result);
        if (result.outcome !== 'ok') this.logger.warn(`status enquiry: ${result.reason ?? result.outcome}`);
        this.lastStatus = { at: performance.now(), status };
        return status;
      })
      .finally(() => (this.statusInFlight = undefined));
    this.statusInFlight = run;
    return run;
  }

  async telecollection(): Promise<TlcResult> {
    const result = await this.run('end-of-day');
    if (result.outcome === 'unknown') throw new ConnectorError('terminal-timeout', `end of day: ${result.reason ?? 'no answer'}; the terminal may still have closed its batch`);
    this.logger.info(
      `end of day ${result.outcome}${result.reason ? `: ${result.reason}` : ''}` +
        (result.total !== undefined ? `, total ${result.total}` : '') +
        (result.totals ? `, receipts ${result.totals.receiptFrom}-${result.totals.receiptTo}` : ''),
    );
    return zvtTlcResult(result);
  }

  async reset(): Promise<void> {
    const result = await this.run('reset');
    if (result.outcome === 'ok') return;
    if (result.outcome === 'unknown') throw new ConnectorError('terminal-timeout', `terminal reset: ${result.reason ?? 'no answer'}`);
    throw new ConnectorError('internal', `terminal reset: ${result.reason ?? result.outcome}`);
  }

  /** The terminal id (BMP 29 or TLV 1F44) from the registration, else from a status enquiry. */
  async deviceId(): Promise<string> {
    if (!this.terminalId) await this.status();
    if (!this.terminalId) throw new ConnectorError('internal', 'the terminal did not report its terminal id in its registration or status answers');
    return this.terminalId;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.link.off('apdu', this.onApdu);
    this.line.off('state', this.onState);
    this.link.close();
    this.payment?.taken.reject(new Error('tp-manager is stopping'));
    this.admin?.done.reject(new Error('tp-manager is stopping'));
    this.payment = undefined;
    this.admin = undefined;
  }

  /** Registration; true when the terminal accepted it. Skipped (false) while a command runs. */
  private register(): Promise<boolean> {
    if (this.registering) return this.registering;
    if (this.session.current || this.line.state !== 'connected' || this.closed) return Promise.resolve(false);
    const run = this.run('registration')
      .then((result) => {
        this.registered = result.outcome === 'ok';
        if (result.terminalId) this.terminalId = result.terminalId;
        if (this.registered) this.logger.info(`ZVT registration accepted by terminal ${result.terminalId ?? '(no terminal id given)'}`);
        else this.logger.warn(`ZVT registration not accepted: ${result.reason ?? result.outcome} (check ZVT_PASSWORD and the terminal's ECR settings)`);
        return this.registered;
      })
      .catch((err: Error) => {
        this.logger.warn(`ZVT registration not sent: ${err.message}`);
        return false;
      })
      .finally(() => (this.registering = undefined));
    this.registering = run;
    return run;
  }

  /** A status enquiry or the registration does not wait (a /check answers "busy" at once); the others do. */
  private async run(command: AdminCommand): Promise<zvt.ZvtCommandResult> {
    if (this.line.state !== 'connected') throw new ConnectorError('not-connected', `the terminal is not connected: ${this.line.reason}`);
    if (command === 'status-enquiry' || command === 'registration') this.assertFree(describe(command));
    else await this.whenFree(describe(command));
    this.assertFree(describe(command));
    return new Promise((resolve, reject) => {
      this.admin = { command, done: { resolve, reject } };
      const now = performance.now();
      const step =
        command === 'registration'
          ? this.session.register(now)
          : command === 'status-enquiry'
            ? this.session.statusEnquiry(now)
            : command === 'end-of-day'
              ? this.session.endOfDay(now)
              : command === 'diagnosis'
                ? this.session.diagnosis(now)
                : this.session.reset(now);
      this.apply(step, command);
    });
  }

  /** Waits (a little) for a command of ours other than a payment to end; a payment in progress is busy at once. */
  private async whenFree(what: string): Promise<void> {
    const running = this.session.current;
    if (running && running !== 'payment') {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.freeWaiters.push(resolve);
        timer = setTimeout(resolve, WAIT_FOR_FREE_MS);
      });
      clearTimeout(timer);
    }
    this.assertFree(what);
  }

  private assertFree(what: string): void {
    const running = this.session.current;
    if (running) throw new ConnectorError('busy', `the terminal is busy with ${describe(running)}; ${what} is not sent until it ends`);
  }

  /** Writes what the session says and acts on its events; `starting` names the command whose APDU this step writes. */
  private apply(step: zvt.ZvtSessionStep, starting?: zvt.ZvtCommandName): void {
    step.write.forEach((apdu, i) => {
      const isCommand = starting !== undefined && i === 0;
      this.link.send(apdu).catch((err: Error) => {
        if (!isCommand) {
          this.logger.warn(`could not acknowledge a terminal message: ${err.message}`);
          return;
        }
        // The command surely or maybe did not reach the terminal: fail it now (the session's T3 then ends it).
        if (starting === 'payment' && this.payment && !this.payment.accepted) {
          this.payment.linkFailed = true;
          this.payment.taken.reject(err);
        } else if (starting !== 'payment' && this.admin?.command === starting) {
          this.admin.done.reject(new ConnectorError('not-connected', `${describe(starting)} did not reach the terminal: ${err.message}`));
          this.admin = undefined;
        }
      });
    });
    for (const event of step.events) this.onEvent(event);
    this.arm();
    if (!this.session.current && this.freeWaiters.length > 0) {
      const waiters = this.freeWaiters;
      this.freeWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private onEvent(event: zvt.ZvtSessionEvent): void {
    switch (event.type) {
      case 'command-accepted':
        if (event.command === 'payment' && this.payment) {
          this.payment.accepted = true;
          this.payment.taken.resolve();
        }
        return;
      case 'intermediate':
        if (this.session.current === 'payment') this.lastDisplay = event.text;
        this.logger.debug(`terminal status: ${event.text}`);
        return;
      case 'print-line':
      case 'status-information':
        return;
      case 'payment-result':
        this.paymentEnded(event.result);
        return;
      case 'command-result': {
        const admin = this.admin;
        this.admin = undefined;
        if (admin && admin.command === event.result.command) admin.done.resolve(event.result);
        return;
      }
      case 'rejected': {
        const error = new ConnectorError('busy', `the terminal is busy: ${event.reason}`);
        if (event.command === 'payment') {
          this.payment?.taken.reject(error);
          this.payment = undefined;
        } else if (event.command !== 'abort' && this.admin?.command === event.command) {
          this.admin.done.reject(error);
          this.admin = undefined;
        }
        return;
      }
      case 'abort-sent':
        this.logger.info('abort (06 B0) sent to the terminal; the payment ends with its answer');
        return;
      case 'abort-acknowledged':
        return;
      case 'abort-refused':
        this.logger.warn(`the terminal refused the abort (84 ${event.code.toString(16).padStart(2, '0')}): the payment goes on until it answers`);
        return;
      case 'unsolicited':
        this.unsolicited(event.message);
        return;
      case 'warning':
        this.emit('bad-answer', event.message);
        return;
    }
  }

  private paymentEnded(result: zvt.ZvtPaymentResult): void {
    const payment = this.payment;
    this.payment = undefined;
    this.lastDisplay = undefined;
    if (!payment) return;
    if (!payment.accepted) {
      if (payment.linkFailed) return; // already failed: nothing reached the terminal's ZVT layer
      if (result.outcome === 'refused') {
        payment.taken.reject(new Error(result.reason ?? 'the terminal refused the payment request'));
        return;
      }
      // No 80 00 00 in time: the terminal may have started it. Taken, and its end is not known (599).
      payment.taken.resolve();
    }
    // After the runner saw the payment taken (a resolved promise runs first): only then is this its answer.
    setImmediate(() => this.emit('answer', zvtPaymentAnswer(result, payment.reference)));
    if (!this.registered) void this.register();
  }

  private unsolicited(message: zvt.ZvtTerminalMessage): void {
    if (message.type === 'status-information' && message.fields.resultCode !== undefined) {
      const f = message.fields;
      const result = zvt.zvtPaymentResult({
        request: { amount: f.amount ?? 0, currencyNumeric: f.currencyNumeric },
        statusInformation: [f],
        receiptLines: [],
        abortRequested: false,
        end: f.resultCode === 0 ? { kind: 'completion', fields: {} } : { kind: 'abort', resultCode: f.resultCode! },
      });
      const answer = zvtPaymentAnswer(result);
      this.emit('unsolicited', { what: `a status information outside any command (result ${f.resultCode!.toString(16).padStart(2, '0')})`, answer } satisfies UnsolicitedAnswer);
      return;
    }
    const what = message.type === 'other' ? `${message.cls.toString(16)} ${message.instr.toString(16)}` : message.type;
    this.logger.warn(`the terminal sent ${what} outside any command: acknowledged, nothing credited`);
  }

  private arm(): void {
    clearTimeout(this.timer);
    const deadline = this.session.deadline;
    if (deadline === undefined || this.closed) return;
    this.timer = setTimeout(() => this.apply(this.session.tick(performance.now())), Math.max(0, Math.ceil(deadline - performance.now())));
  }
}

function describe(command: zvt.ZvtCommandName): string {
  return { registration: 'the registration', payment: 'a payment', 'status-enquiry': 'a status enquiry', 'end-of-day': 'the end of day', diagnosis: 'a diagnosis', reset: 'a reset' }[command];
}
