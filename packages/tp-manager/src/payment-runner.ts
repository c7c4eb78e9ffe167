/**
 * One payment on the terminal at a time, journaled before every answer. A command id seen before never
 * reaches the terminal again. When the wait ends without a terminal answer (time-out, cancel, line down) a
 * placeholder result is journaled; the terminal's real answer, whenever it comes, replaces it.
 */
import type { JournalEntry, PaymentResult } from '@ecr/common';
import type { Journal } from './journal';
import type { DecodedAnswer, TerminalDriver } from './drivers/terminal-driver';
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
  done: Promise<JournalEntry>;
  end(result: PaymentResult): void;
}

export interface RunnerLogger {
  info(message: string, meta?: object): void;
  warn(message: string, meta?: object): void;
  error(message: string, meta?: object): void;
}

export class BusyError extends Error {}

/** How long a payment waits for a dropped line to come back before the kiosk is told its outcome is unknown. */
export const LINE_LOST_GRACE_MS = 30_000;

export class PaymentRunner {
  private current?: Current;

  constructor(
    private readonly journal: Journal,
    private readonly driver: TerminalDriver,
    private readonly line: Line,
    private readonly logger: RunnerLogger,
    private readonly lineLostGraceMs = LINE_LOST_GRACE_MS,
  ) {
    driver.on('answer', (answer: DecodedAnswer) => this.onAnswer(answer));
    driver.on('bad-answer', (error: string) => this.logger.warn(`terminal sent a message that is not a payment answer: ${error}`));
  }

  get busy(): boolean {
    return this.current !== undefined;
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
      this.logger.warn(`payment interrupted by a tp-manager restart orderId=${entry.orderId} id=${entry.id}`);
    }
  }

  async pay(cmd: PaymentCommand): Promise<JournalEntry> {
    if (this.current?.id === cmd.id) return this.current.done;
    const known = this.journal.get(cmd.id);
    if (known) return known; // the same command again: its first answer, never a second payment
    if (this.current) throw new BusyError(`another payment is in progress (orderId ${this.current.orderId})`);

    const { ref } = this.journal.begin(cmd);
    let end!: (result: PaymentResult) => void;
    let ended = false;
    const done = new Promise<JournalEntry>((resolve) => {
      end = (result) => {
        if (ended) return; // a time-out racing the answer: the first one wins, the journal is written once
        ended = true;
        resolve(this.journal.finish(cmd.id, result)!);
      };
    });
    const startedAt = Date.now();
    const current: Current = { id: cmd.id, ref, orderId: cmd.orderId, startedAt, done, end };
    this.current = current;
    const placeholder = (connectorCode: PaymentResult['connectorCode'], reason: string): PaymentResult => ({
      outcome: 'error',
      connectorCode,
      reason,
      amount: cmd.amount,
      currencyNumeric: cmd.currencyNumeric,
    });

    // Whether the terminal took the request decides what a silence means: nothing charged, or not known.
    let taken = false;
    const seconds = Math.round(cmd.timeoutMs / 1000);
    const timer = setTimeout(
      () =>
        current.end(
          taken
            ? placeholder('terminal-timeout', `the terminal did not answer within ${seconds} s`)
            : placeholder('send-failed', `the terminal did not take the request within ${seconds} s; nothing was charged`),
        ),
      cmd.timeoutMs,
    );
    // A pulled cable: the terminal may still finish and answer once it is back, so wait a little for the
    // line, then tell the kiosk the outcome is unknown rather than keep it waiting the whole time-out.
    let graceTimer: NodeJS.Timeout | undefined;
    const onLineState = (state: string) => {
      if (!taken) return; // the send fails by itself: nothing was charged
      if (state === 'connected') {
        clearTimeout(graceTimer);
        graceTimer = undefined;
      } else if (!graceTimer) {
        graceTimer = setTimeout(
          () => current.end(placeholder('line-lost', `the line to the terminal was lost during the payment and did not come back within ${Math.round(this.lineLostGraceMs / 1000)} s: its outcome is not known yet`)),
          this.lineLostGraceMs,
        );
      }
    };
    this.line.on('state', onLineState);
    if (this.line.state !== 'connected') {
      current.end(placeholder('not-connected', `the terminal is not connected (${this.line.reason}); nothing was sent to it`));
    } else {
      this.driver
        .sendPayment({ amount: cmd.amount, currencyNumeric: cmd.currencyNumeric, reference: ref })
        .then(() => (taken = true))
        .catch((err: Error) => current.end(placeholder('send-failed', `the payment did not reach the terminal: ${err.message}`)));
    }

    const entry = await done;
    clearTimeout(timer);
    clearTimeout(graceTimer);
    this.line.off('state', onLineState);
    this.current = undefined;
    const r = entry.result!;
    this.logger.info(
      `payment orderId=${cmd.orderId} outcome=${r.outcome}${r.connectorCode ? `/${r.connectorCode}` : ''} amount=${cmd.amount} ` +
        `currency=${cmd.currencyNumeric} terminalMs=${Date.now() - startedAt}${r.reason ? ` reason="${r.reason}"` : ''}`,
      { orderId: cmd.orderId, outcome: r.outcome, durationMs: Date.now() - startedAt },
    );
    return entry;
  }

  /** Stops waiting for the payment in progress; the terminal's late answer is still journaled. */
  cancel(): Promise<JournalEntry> | undefined {
    const current = this.current;
    if (!current) return undefined;
    current.end({
      outcome: 'abandoned',
      connectorCode: 'cancelled',
      reason: 'payment cancelled by the kiosk (GET /cancel) before the terminal answered',
      amount: this.journal.get(current.id)!.amount,
      currencyNumeric: this.journal.get(current.id)!.currencyNumeric,
    });
    return current.done;
  }

  private onAnswer({ ref, result }: DecodedAnswer): void {
    const current = this.current;
    const entry = ref ? this.journal.byRef(ref) : undefined;
    if (current && (entry === undefined || entry.id === current.id)) {
      current.end(result);
      return;
    }
    if (!entry) {
      this.logger.warn(`terminal answer matches no payment (reference ${ref ?? 'none'}, outcome ${result.outcome}); ignored`);
      return;
    }
    if (entry.state === 'done' && !entry.result?.connectorCode) {
      this.logger.warn(`terminal repeated its answer for orderId=${entry.orderId}; already recorded`);
      return;
    }
    this.journal.finish(entry.id, result);
    this.logger.warn(`late terminal answer recorded orderId=${entry.orderId} outcome=${result.outcome}`, { orderId: entry.orderId });
  }
}
