/**
 * GET /metrics (issue 13): the connector in the Prometheus text format, on a registry of its own. Events
 * (a payment ended, a HiPay try, tp-manager restarted, a heartbeat's state) are told by one-line calls;
 * levels (outbox backlog, outcome-unknown orders, tp-manager liveness, maintenance) are read at scrape time
 * from their owners, so they can never drift from what GET /health says.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { TpManagerState } from '@ecr/common';
import type { OutboxCounts } from '../service';
import type { TpManagerPort } from '../tp-port';

/** How a payment command ended for the kiosk. */
export type PaymentOutcomeLabel = 'success' | 'failure' | 'outcome-unknown' | 'not-sent' | 'refused';

/** What a HiPay delivery try came to (hipay/results.ts). */
export type HipayTryLabel = 'delivered' | 'retryable' | 'held' | 'refused';

export interface PaymentFinished {
  outcome: PaymentOutcomeLabel;
  /** From tp-manager taking the command to its result (the terminal and the customer); absent when unknown. */
  terminalMs?: number;
  /** From POST /order reaching the connector to its answer. */
  totalMs: number;
}

/** Where the levels come from, read at each scrape. A source that throws leaves its metric unchanged. */
export interface MetricSources {
  tpManagerUp(): boolean;
  outbox(): OutboxCounts;
  outcomeUnknownOrders(): number;
  /** The last maintenance run: done, and whether a step failed; undefined when none ran. */
  lastMaintenance?(): { finishedAt: string; failed: boolean } | undefined;
}

export interface ConnectorMetricsOptions {
  sources: MetricSources;
  version: string;
  kioskId: string;
  /** Node.js and process metrics (collectDefaultMetrics); default true. Off in unit tests that count series. */
  processMetrics?: boolean;
}

/** Seconds, from the connector's own milliseconds to a customer taking three minutes at the terminal. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 180, 300];

export class ConnectorMetrics {
  readonly registry = new Registry();
  private readonly payments: Counter<'outcome'>;
  private readonly duration: Histogram<'part'>;
  private readonly hipayTries: Counter<'result'>;
  private readonly linkReconnects: Counter;
  private readonly tpRestarts: Counter;
  /** The latest heartbeat's state, undefined before the first. */
  private tpState?: TpManagerState;

  constructor(options: ConnectorMetricsOptions) {
    const { sources } = options;
    const registers = [this.registry];
    const read = <T>(source: () => T, use: (value: T) => void): void => {
      try {
        use(source());
      } catch {
        // a closed database at shutdown, say: the scrape still answers with the rest
      }
    };

    new Gauge({
      name: 'ecr_info',
      help: "The connector's version and the kiosk's id (KIOSK_ID); always 1.",
      labelNames: ['version', 'kiosk_id'],
      registers,
    }).set({ version: options.version, kiosk_id: options.kioskId }, 1);

    this.payments = new Counter({
      name: 'ecr_payments_total',
      help: 'Payment commands sent toward the terminal, by what the kiosk was told: success, failure, outcome-unknown (599), not-sent, refused (by tp-manager before the terminal).',
      labelNames: ['outcome'],
      registers,
    });
    for (const outcome of ['success', 'failure', 'outcome-unknown', 'not-sent', 'refused'] as const) this.payments.inc({ outcome }, 0);

    this.duration = new Histogram({
      name: 'ecr_payment_duration_seconds',
      help: "Payment duration, in two parts: part=terminal, tp-manager's time with the terminal and the customer; part=connector, the rest of POST /order (order book, IPC, the bounded first HiPay try).",
      labelNames: ['part'],
      buckets: DURATION_BUCKETS,
      registers,
    });

    this.hipayTries = new Counter({
      name: 'ecr_hipay_deliveries_total',
      help: 'HiPay delivery tries by result: delivered, retryable (tried again later), held (HiPay has it, look-up pending), refused.',
      labelNames: ['result'],
      registers,
    });
    for (const result of ['delivered', 'retryable', 'held', 'refused'] as const) this.hipayTries.inc({ result }, 0);

    new Gauge({
      name: 'ecr_hipay_outbox_orders',
      help: 'Paid orders not yet confirmed by HiPay, by state: pending (retried), refused (kept until the configuration changes).',
      labelNames: ['state'],
      registers,
      collect() {
        read(sources.outbox, (o) => {
          this.set({ state: 'pending' }, o.pending);
          this.set({ state: 'refused' }, o.refused);
        });
      },
    });
    new Gauge({
      name: 'ecr_hipay_outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest paid order HiPay has not confirmed yet; 0 when none waits.',
      registers,
      collect() {
        read(sources.outbox, (o) => this.set(o.oldestPendingAgeS ?? 0));
      },
    });
    new Gauge({
      name: 'ecr_orders_outcome_unknown',
      help: "Orders whose terminal answer never came (the kiosk got 599): the card may have been charged; the terminal's late answer settles them.",
      registers,
      collect() {
        read(sources.outcomeUnknownOrders, (n) => this.set(n));
      },
    });

    const latest = (): TpManagerState | undefined => this.tpState;
    const state = (): TpManagerState | undefined => (sources.tpManagerUp() ? this.tpState : undefined);
    new Gauge({
      name: 'ecr_tp_manager_up',
      help: "tp-manager answers the supervisor's heartbeat (1) or not (0).",
      registers,
      collect() {
        read(sources.tpManagerUp, (up) => this.set(up ? 1 : 0));
      },
    });
    this.tpRestarts = new Counter({
      name: 'ecr_tp_manager_restarts_total',
      help: 'tp-manager processes replaced by a new one, as the supervisor noticed (a new instance id in a reply).',
      registers,
    });
    new Gauge({
      name: 'ecr_terminal_link_connected',
      help: "tp-manager's link to the terminal is connected (1) or not (0); 0 too while tp-manager does not answer.",
      registers,
      collect() {
        read(state, (s) => this.set(s?.link === 'connected' ? 1 : 0));
      },
    });
    this.linkReconnects = new Counter({
      name: 'ecr_terminal_link_reconnects_total',
      help: 'Times the terminal link came back after it was seen down (heartbeat every 0.5 s: a shorter drop may go unseen).',
      registers,
    });
    new Gauge({
      name: 'ecr_unattributed_answers',
      help: 'Terminal answers credited to no order, kept for a technician to reconcile (GET /health lists them).',
      registers,
      collect() {
        read(latest, (s) => s && this.set(s.unattributed));
      },
    });
    new Gauge({
      name: 'ecr_journal_writable',
      help: "tp-manager's journal can be written (1); 0 while it cannot and payments are refused.",
      registers,
      collect() {
        read(state, (s) => s && this.set(s.journalFault === undefined ? 1 : 0));
      },
    });

    if (sources.lastMaintenance) {
      const last = sources.lastMaintenance;
      new Gauge({
        name: 'ecr_maintenance_last_run_failed',
        help: 'The last finished daily maintenance run had a failed step (telecollection, update) (1), or not (0).',
        registers,
        collect() {
          read(last, (run) => run && this.set(run.failed ? 1 : 0));
        },
      });
      new Gauge({
        name: 'ecr_maintenance_last_run_timestamp_seconds',
        help: 'When the last daily maintenance run finished (Unix time).',
        registers,
        collect() {
          read(last, (run) => run && this.set(Date.parse(run.finishedAt) / 1000));
        },
      });
    }

    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** One payment command ended (called once per command sent toward tp-manager). */
  paymentFinished({ outcome, terminalMs, totalMs }: PaymentFinished): void {
    this.payments.inc({ outcome });
    const total = Math.max(0, totalMs);
    if (terminalMs !== undefined) {
      const terminal = Math.min(total, Math.max(0, terminalMs));
      this.duration.observe({ part: 'terminal' }, terminal / 1000);
      this.duration.observe({ part: 'connector' }, (total - terminal) / 1000);
    } else {
      this.duration.observe({ part: 'connector' }, total / 1000);
    }
  }

  /** One HiPay delivery try ended (HipayOutboxOptions.onTry). */
  hipayTry(result: HipayTryLabel): void {
    this.hipayTries.inc({ result });
  }

  /** A heartbeat's answer: the terminal link and tp-manager's counts. */
  tpManagerState(state: TpManagerState): void {
    const before = this.tpState?.link;
    if (before !== undefined && before !== 'connected' && state.link === 'connected') this.linkReconnects.inc();
    this.tpState = state;
  }

  tpManagerRestarted(): void {
    this.tpRestarts.inc();
  }

  /** Follows the tp-manager client's heartbeat and restarts; returns the unsubscribe. */
  follow(tp: Pick<TpManagerPort, 'on' | 'off'>): () => void {
    const onState = (state: TpManagerState): void => this.tpManagerState(state);
    const onRestarted = (): void => this.tpManagerRestarted();
    tp.on('state', onState);
    tp.on('restarted', onRestarted);
    return () => {
      tp.off('state', onState);
      tp.off('restarted', onRestarted);
    };
  }

  /** The Content-Type of text(). */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Every metric in the Prometheus text exposition format. */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}
