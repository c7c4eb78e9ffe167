/**
 * One payment on the terminal at a time, journaled before every answer. A command id seen before never
 * reaches the terminal again. When the wait ends without a terminal answer (time-out, line down, restart) a
 * placeholder result is journaled; the terminal's real answer, whenever it comes, replaces it. Which payment
 * an answer belongs to is decided in answer-attribution.ts (money rule 3).
 */
import { ConnectorError, type JournalEntry, type PaymentResult, type Logger } from '@ecr/common';
import type { Journal } from './journal';
import { attributeAnswer } from './answer-attribution';
import type { DecodedAnswer, PaymentDriver } from './drivers/terminal-driver';
import type { Line } from './transports/line';

export interface PaymentCommand {
  id: string;
  orderId: string;
  amount: number;
  currencyNumeric: string;
  timeoutMs: number;
}

interface Current {
  id: string;
  ref: string;
  orderId: string;
  startedAt: number;
  /** The terminal took the request (Concert: ACKed; TCP: written). Before that, an answer cannot be this payment's. */
  taken: boolean;
  done: Promise<JournalEntry>;
  end(result: PaymentResult): void;
}

export class BusyError extends Error {}

/** How long a payment waits for a dropped line to come back before the kiosk is told its outcome is unknown. */
export const LINE_LOST_GRACE_MS = 30_000;

export interface RunnerOptions {
  /** How long a payment waits for a dropped line to come back before the kiosk is told its outcome is unknown. */
  lineLostGraceMs?: number;
  /** How old a payment left waiting may be and still take an answer without echo. */
  attributionWindowMs?: number;
}

/** One hour: a terminal's own card-acquisition and authorisation timers end a transaction long before. */
export const ATTRIBUTION_WINDOW_MS = 60 * 60 * 1000;

export class PaymentRunner {
  private current?: Current;
  /**
   * A payment ended early for the kiosk (line lost) while the terminal may still hold it open: the terminal
   * stays busy until that payment's time-out or its answer (money rule 2).
   */
  private lingering?: { id: string; until: number };
  private readonly lineLostGraceMs: number;
  private readonly attributionWindowMs: number;

  constructor(
    private readonly journal: Journal,
    private readonly driver: PaymentDriver,
    private readonly line: Line,
    private readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>,
    options: RunnerOptions = {},
  ) {
    this.lineLostGraceMs = options.lineLostGraceMs ?? LINE_LOST_GRACE_MS;
    this.attributionWindowMs = options.attributionWindowMs ?? ATTRIBUTION_WINDOW_MS;
    driver.on('answer', (answer: DecodedAnswer) => this.onAnswer(answer));
    driver.on('bad-answer', (error: string) => this.logger.warn(`terminal sent a message that is not a payment answer: ${error}`));
  }

  /** A payment is open at the terminal: no second request may be written to it (money rule 2). */
  get busy(): boolean {
    if (this.current) return true;
    if (this.lingering && Date.now() < this.lingering.until) return true;
    this.lingering = undefined;
    return false;
  }

  get currentOrderId(): string | undefined {
    return this.current?.orderId;
  }

  /** Marks payments an earlier run left pending: their answer was not received (a late one still lands). */
  closeInterrupted(): void {
    for (const entry of this.journal.pendingFromEarlierRuns()) {
      this.journal.finish(entry.id, {
        outcome: 'error',
        connectorCode: 'interrupted',
        reason: "tp-manager stopped during this payment and its answer was not received; check the terminal's own journal",
        amount: entry.amount,
        currencyNumeric: entry.currencyNumeric,
      });
      this.logger.warn(`payment interrupted by a tp-manager restart orderId=${entry.orderId} id=${entry.id}`, {
        orderId: entry.orderId,
        commandId: entry.id,
        outcome: 'error',
        connectorCode: 'interrupted',
      });
    }
  }

  async pay(cmd: PaymentCommand): Promise<JournalEntry> {
    if (this.current?.id === cmd.id) return this.current.done;
    const known = this.journal.get(cmd.id);
    if (known) return known; // the same command again: its first answer, never a second payment
    if (this.current) throw new BusyError(`another payment is in progress (orderId ${this.current.orderId}); it ends with the terminal's answer or its time-out`);
    if (this.busy) throw new BusyError('the terminal may still hold the previous payment open (the line was lost during it); it is free after that payment\'s time-out or its answer');
    // An answer that cannot be written is kept in memory; a new payment would risk a second one: refuse it.
    const fault = this.journal.fault;
    if (fault) throw new ConnectorError('unavailable', `${fault}; the payment was refused before it reached the terminal`);

    const { ref } = this.journal.begin(cmd); // throws 'unavailable' when the disk refuses: nothing was sent
    let end!: (result: PaymentResult) => void;
    let ended = false;
    const fallback = (result: PaymentResult): JournalEntry => ({
      id: cmd.id, orderId: cmd.orderId, amount: cmd.amount, currencyNumeric: cmd.currencyNumeric, state: 'done', result,
      receivedAt: new Date().toISOString(), seq: 0, ref,
    });
    const done = new Promise<JournalEntry>((resolve) => {
      end = (result) => {
        if (ended) return; // a time-out racing the answer: the first one wins, the journal is written once
        ended = true;
        resolve(this.journal.finish(cmd.id, result) ?? fallback(result));
      };
    });
    const startedAt = Date.now();
    const current: Current = { id: cmd.id, ref, orderId: cmd.orderId, startedAt, taken: false, done, end };
    this.current = current;
    const placeholder = (connectorCode: PaymentResult['connectorCode'], reason: string): PaymentResult => ({
      outcome: 'error',
      connectorCode,
      reason,
      amount: cmd.amount,
      currencyNumeric: cmd.currencyNumeric,
    });

    // Whether the terminal took the request decides what a silence means: nothing charged, or not known.
    const seconds = Math.round(cmd.timeoutMs / 1000);
    const timer = setTimeout(
      () =>
        current.end(
          current.taken
            ? placeholder('terminal-timeout', `the terminal did not answer within ${seconds} s`)
            : placeholder('send-failed', `the terminal did not take the request within ${seconds} s; nothing was charged`),
        ),
      cmd.timeoutMs,
    );
    // A pulled cable: the terminal may still finish and answer once it is back, so wait a little for the
    // line, then tell the kiosk the outcome is unknown rather than keep it waiting the whole time-out.
    let graceTimer: NodeJS.Timeout | undefined;
    let lineLost = false;
    const onLineState = (state: string) => {
      if (!current.taken) return; // the send fails by itself: nothing was charged
      if (state === 'connected') {
        clearTimeout(graceTimer);
        graceTimer = undefined;
      } else if (!graceTimer) {
        graceTimer = setTimeout(() => {
          lineLost = true;
          current.end(placeholder('line-lost', `the line to the terminal was lost during the payment and did not come back within ${Math.round(this.lineLostGraceMs / 1000)} s: its outcome is not known yet`));
        }, this.lineLostGraceMs);
      }
    };
    this.line.on('state', onLineState);
    if (this.line.state !== 'connected') {
      current.end(placeholder('not-connected', `the terminal is not connected (${this.line.reason}); nothing was sent to it`));
    } else {
      this.driver
        .sendPayment({ amount: cmd.amount, currencyNumeric: cmd.currencyNumeric, reference: ref })
        .then(() => (current.taken = true))
        .catch((err: Error) => current.end(placeholder('send-failed', `the payment did not reach the terminal: ${err.message}`)));
    }

    const entry = await done;
    clearTimeout(timer);
    clearTimeout(graceTimer);
    this.line.off('state', onLineState);
    this.current = undefined;
    if (lineLost && entry.result?.connectorCode === 'line-lost') this.lingering = { id: cmd.id, until: startedAt + cmd.timeoutMs };
    const r = entry.result!;
    const terminalMs = Date.now() - startedAt;
    this.logger.info(
      `payment orderId=${cmd.orderId} outcome=${r.outcome}${r.connectorCode ? `/${r.connectorCode}` : ''} amount=${r.amount} ` +
        `currency=${r.currencyNumeric} terminalMs=${terminalMs}${r.reason ? ` reason="${r.reason}"` : ''}`,
      {
        orderId: cmd.orderId,
        commandId: cmd.id,
        ref: entry.ref,
        outcome: r.outcome,
        ...(r.connectorCode && { connectorCode: r.connectorCode }),
        amount: r.amount,
        currency: r.currencyNumeric,
        terminalMs,
        durationMs: terminalMs,
      },
    );
    return entry;
  }

  /**
   * Asks the terminal to abort the payment in progress (a protocol with an abort message only). The payment
   * itself ends with the terminal's own answer. False when no payment is in progress.
   */
  async abort(): Promise<boolean> {
    if (!this.current) return false;
    await this.driver.abort();
    return true;
  }

  private onAnswer(answer: DecodedAnswer): void {
    try {
      const current = this.current;
      const verdict = attributeAnswer(answer, {
        journal: this.journal,
        current: current ? { id: current.id, taken: current.taken } : undefined,
        notBefore: Date.now() - this.attributionWindowMs,
      });
      if (verdict.kind === 'unattributed') {
        this.journal.addUnattributed({ ref: answer.ref, result: answer.result, why: verdict.why });
        this.logger.warn(
          `terminal answer kept unattributed for reconciliation: reference ${answer.ref === undefined ? 'none' : JSON.stringify(answer.ref)}, ` +
            `outcome ${answer.result.outcome}, amount ${answer.hasAmount ? answer.result.amount : 'none'}, currency ${answer.hasCurrency ? answer.result.currencyNumeric : 'none'}: ${verdict.why}`,
        );
        return;
      }
      const { entry, result } = verdict;
      if (current && entry.id === current.id) {
        current.end(result);
        return;
      }
      if (entry.state === 'done' && !entry.result?.connectorCode) {
        this.logger.warn(`terminal repeated its answer for orderId=${entry.orderId}; already recorded`);
        return;
      }
      this.journal.finish(entry.id, result);
      if (this.lingering?.id === entry.id) this.lingering = undefined;
      this.logger.warn(`late terminal answer recorded orderId=${entry.orderId} outcome=${result.outcome}`, {
        orderId: entry.orderId,
        commandId: entry.id,
        outcome: result.outcome,
        amount: result.amount,
        currency: result.currencyNumeric,
      });
    } catch (err) {
      // Never an unhandled error from a terminal's answer: say it, keep running.
      this.logger.error(`could not process a terminal answer: ${(err as Error).message}`);
    }
  }
}
