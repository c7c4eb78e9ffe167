/**
 * GET /metrics' registry, read as Prometheus reads it: the text exposition of prom-client's own registry
 * after the connector told it what happened (payments, HiPay tries, heartbeats, restarts), with the levels
 * read from their owners at scrape time. Each test asserts samples a dashboard or an alert would use.
 */
import { EventEmitter } from 'node:events';
import type { TpManagerState } from '@ecr/common';
import { ConnectorMetrics, type MetricSources } from '../../src/metrics';
import type { OutboxCounts } from '../../src/service';
import type { TpManagerEvents } from '../../src/tp-port';
import { sample } from '../../../../test-support/metrics-text';

/** Levels as their owners would give them; a test changes them between scrapes. */
interface Levels {
  up: boolean;
  outbox: OutboxCounts;
  unknown: number;
  maintenance?: { finishedAt: string; failed: boolean };
  broken?: boolean;
}

function metricsWith(levels: Levels, withMaintenance = true): ConnectorMetrics {
  /** A level read from its owner, which throws while it is "broken". */
  const read = <T>(value: () => T) => (): T => {
    if (levels.broken) throw new Error('The database connection is not open');
    return value();
  };
  const sources: MetricSources = {
    tpManagerUp: () => levels.up,
    outbox: read(() => levels.outbox),
    outcomeUnknownOrders: read(() => levels.unknown),
    ...(withMaintenance ? { lastMaintenance: read(() => levels.maintenance) } : {}),
  };
  return new ConnectorMetrics({ sources, version: '1.4.0', kioskId: 'kiosk-7', processMetrics: false });
}

const STATE: TpManagerState = { link: 'connected', busy: false, journalId: 'j-1', unattributed: 0 };

function idle(): Levels {
  return { up: true, outbox: { pending: 0, refused: 0 }, unknown: 0 };
}

describe('ConnectorMetrics: what a fresh connector shows', () => {
  test('its version and kiosk id, and every payment and HiPay series at 0 from the start (a rate() needs them)', async () => {
    const text = await metricsWith(idle()).text();
    expect(sample(text, 'ecr_info{version="1.4.0",kiosk_id="kiosk-7"}')).toBe(1);
    for (const outcome of ['success', 'failure', 'outcome-unknown', 'not-sent', 'refused']) {
      expect(sample(text, `ecr_payments_total{outcome="${outcome}"}`)).toBe(0);
    }
    for (const result of ['delivered', 'retryable', 'held', 'refused']) {
      expect(sample(text, `ecr_hipay_deliveries_total{result="${result}"}`)).toBe(0);
    }
    expect(sample(text, 'ecr_tp_manager_restarts_total')).toBe(0);
    expect(sample(text, 'ecr_terminal_link_reconnects_total')).toBe(0);
  });

  test('the exposition format prom-client serves, and process metrics unless turned off', async () => {
    const metrics = new ConnectorMetrics({ sources: { tpManagerUp: () => true, outbox: () => ({ pending: 0, refused: 0 }), outcomeUnknownOrders: () => 0 }, version: '1', kioskId: 'k' });
    expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await metrics.text()).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(await metricsWith(idle()).text()).not.toMatch(/^process_cpu_user_seconds_total/m);
  });
});

describe('ConnectorMetrics: payments', () => {
  test('one count per payment by what the kiosk was told (money rule 1: outcome-unknown is its own series)', async () => {
    const metrics = metricsWith(idle());
    metrics.paymentFinished({ outcome: 'success', terminalMs: 20_000, totalMs: 20_400 });
    metrics.paymentFinished({ outcome: 'success', terminalMs: 9000, totalMs: 9100 });
    metrics.paymentFinished({ outcome: 'outcome-unknown', terminalMs: 180_000, totalMs: 180_050 });
    metrics.paymentFinished({ outcome: 'not-sent', totalMs: 12 });
    const text = await metrics.text();
    expect(sample(text, 'ecr_payments_total{outcome="success"}')).toBe(2);
    expect(sample(text, 'ecr_payments_total{outcome="outcome-unknown"}')).toBe(1);
    expect(sample(text, 'ecr_payments_total{outcome="not-sent"}')).toBe(1);
    expect(sample(text, 'ecr_payments_total{outcome="failure"}')).toBe(0);
  });

  test("the duration in two parts: the terminal's share and the connector's rest, in seconds", async () => {
    const metrics = metricsWith(idle());
    metrics.paymentFinished({ outcome: 'success', terminalMs: 20_000, totalMs: 20_400 });
    const text = await metrics.text();
    expect(sample(text, 'ecr_payment_duration_seconds_count{part="terminal"}')).toBe(1);
    expect(sample(text, 'ecr_payment_duration_seconds_sum{part="terminal"}')).toBe(20);
    expect(sample(text, 'ecr_payment_duration_seconds_bucket{le="10",part="terminal"}')).toBe(0);
    expect(sample(text, 'ecr_payment_duration_seconds_bucket{le="20",part="terminal"}')).toBe(1);
    expect(sample(text, 'ecr_payment_duration_seconds_sum{part="connector"}')).toBeCloseTo(0.4, 9);
    expect(sample(text, 'ecr_payment_duration_seconds_bucket{le="0.25",part="connector"}')).toBe(0);
    expect(sample(text, 'ecr_payment_duration_seconds_bucket{le="0.5",part="connector"}')).toBe(1);
  });

  test('no terminal share known: the whole time is the connector\'s; a terminal share above the total is cut to it; no negative time', async () => {
    const metrics = metricsWith(idle());
    metrics.paymentFinished({ outcome: 'not-sent', totalMs: 300 });
    metrics.paymentFinished({ outcome: 'success', terminalMs: 5000, totalMs: 4000 });
    metrics.paymentFinished({ outcome: 'failure', terminalMs: -5, totalMs: -10 });
    const text = await metrics.text();
    expect(sample(text, 'ecr_payment_duration_seconds_count{part="connector"}')).toBe(3);
    expect(sample(text, 'ecr_payment_duration_seconds_sum{part="connector"}')).toBeCloseTo(0.3, 9);
    expect(sample(text, 'ecr_payment_duration_seconds_count{part="terminal"}')).toBe(2);
    expect(sample(text, 'ecr_payment_duration_seconds_sum{part="terminal"}')).toBe(4);
  });
});

describe('ConnectorMetrics: HiPay (money rule 5: a paid order is never abandoned on the way)', () => {
  test('each delivery try counted by its result', async () => {
    const metrics = metricsWith(idle());
    metrics.hipayTry('retryable');
    metrics.hipayTry('retryable');
    metrics.hipayTry('delivered');
    metrics.hipayTry('refused');
    const text = await metrics.text();
    expect(sample(text, 'ecr_hipay_deliveries_total{result="retryable"}')).toBe(2);
    expect(sample(text, 'ecr_hipay_deliveries_total{result="delivered"}')).toBe(1);
    expect(sample(text, 'ecr_hipay_deliveries_total{result="refused"}')).toBe(1);
    expect(sample(text, 'ecr_hipay_deliveries_total{result="held"}')).toBe(0);
  });

  test('the outbox backlog and its oldest order are read from the outbox at each scrape, never a stale copy', async () => {
    const levels = idle();
    const metrics = metricsWith(levels);
    let text = await metrics.text();
    expect(sample(text, 'ecr_hipay_outbox_orders{state="pending"}')).toBe(0);
    expect(sample(text, 'ecr_hipay_outbox_oldest_pending_age_seconds')).toBe(0);

    levels.outbox = { pending: 3, refused: 1, oldestPendingAgeS: 420 };
    levels.unknown = 2;
    text = await metrics.text();
    expect(sample(text, 'ecr_hipay_outbox_orders{state="pending"}')).toBe(3);
    expect(sample(text, 'ecr_hipay_outbox_orders{state="refused"}')).toBe(1);
    expect(sample(text, 'ecr_hipay_outbox_oldest_pending_age_seconds')).toBe(420);
    expect(sample(text, 'ecr_orders_outcome_unknown')).toBe(2);

    levels.outbox = { pending: 0, refused: 1 };
    text = await metrics.text();
    expect(sample(text, 'ecr_hipay_outbox_orders{state="pending"}')).toBe(0);
    expect(sample(text, 'ecr_hipay_outbox_oldest_pending_age_seconds')).toBe(0);
  });

  test('a source that throws (a closed database at shutdown) leaves its metric as it was; the scrape still answers', async () => {
    const levels = idle();
    levels.outbox = { pending: 4, refused: 0 };
    const metrics = metricsWith(levels);
    await metrics.text();
    levels.broken = true;
    levels.outbox = { pending: 9, refused: 0 };
    const text = await metrics.text();
    expect(sample(text, 'ecr_hipay_outbox_orders{state="pending"}')).toBe(4);
    expect(sample(text, 'ecr_info{version="1.4.0",kiosk_id="kiosk-7"}')).toBe(1);
  });
});

describe('ConnectorMetrics: tp-manager and the terminal link', () => {
  test('before any heartbeat: tp-manager down, link not connected', async () => {
    const text = await metricsWith({ ...idle(), up: false }).text();
    expect(sample(text, 'ecr_tp_manager_up')).toBe(0);
    expect(sample(text, 'ecr_terminal_link_connected')).toBe(0);
  });

  test('a heartbeat sets the link, the unattributed answers (money rule 3) and whether the journal is writable', async () => {
    const levels = idle();
    const metrics = metricsWith(levels);
    metrics.tpManagerState({ ...STATE, unattributed: 2 });
    let text = await metrics.text();
    expect(sample(text, 'ecr_tp_manager_up')).toBe(1);
    expect(sample(text, 'ecr_terminal_link_connected')).toBe(1);
    expect(sample(text, 'ecr_unattributed_answers')).toBe(2);
    expect(sample(text, 'ecr_journal_writable')).toBe(1);

    metrics.tpManagerState({ ...STATE, unattributed: 2, journalFault: 'SQLITE_FULL: database or disk is full' });
    text = await metrics.text();
    expect(sample(text, 'ecr_journal_writable')).toBe(0);

    // tp-manager stops answering: its last link state is not trusted, its kept answers still are.
    levels.up = false;
    text = await metrics.text();
    expect(sample(text, 'ecr_tp_manager_up')).toBe(0);
    expect(sample(text, 'ecr_terminal_link_connected')).toBe(0);
    expect(sample(text, 'ecr_unattributed_answers')).toBe(2);
  });

  test('a reconnect is counted when the link comes back after it was seen down, not for a first or a repeated connected', async () => {
    const metrics = metricsWith(idle());
    metrics.tpManagerState(STATE);
    metrics.tpManagerState(STATE);
    metrics.tpManagerState({ ...STATE, link: 'disconnected', linkReason: 'serial device /dev/ttyUSB0 disconnected' });
    metrics.tpManagerState({ ...STATE, link: 'connecting' });
    metrics.tpManagerState(STATE);
    metrics.tpManagerState(STATE);
    const text = await metrics.text();
    expect(sample(text, 'ecr_terminal_link_reconnects_total')).toBe(1);
    expect(sample(text, 'ecr_terminal_link_connected')).toBe(1);
  });

  test("follow(): the client's heartbeat and restarts reach the registry until unsubscribed", async () => {
    const metrics = metricsWith(idle());
    const tp = new EventEmitter<TpManagerEvents>();
    const unfollow = metrics.follow(tp);
    tp.emit('state', { ...STATE, link: 'disconnected' });
    tp.emit('restarted', 'instance-2', 'instance-1');
    tp.emit('state', STATE);
    let text = await metrics.text();
    expect(sample(text, 'ecr_tp_manager_restarts_total')).toBe(1);
    expect(sample(text, 'ecr_terminal_link_reconnects_total')).toBe(1);

    unfollow();
    tp.emit('restarted', 'instance-3', 'instance-2');
    tp.emit('state', { ...STATE, link: 'disconnected' });
    text = await metrics.text();
    expect(sample(text, 'ecr_tp_manager_restarts_total')).toBe(1);
    expect(sample(text, 'ecr_terminal_link_connected')).toBe(1);
    expect(tp.listenerCount('state') + tp.listenerCount('restarted')).toBe(0);
  });
});

describe('ConnectorMetrics: the daily maintenance', () => {
  test('the last run: when it finished and whether a step failed; nothing set before a first run', async () => {
    const levels = idle();
    const metrics = metricsWith(levels);
    let text = await metrics.text();
    expect(sample(text, 'ecr_maintenance_last_run_timestamp_seconds')).toBe(0);

    levels.maintenance = { finishedAt: '2024-05-01T04:00:30.000Z', failed: true };
    text = await metrics.text();
    expect(sample(text, 'ecr_maintenance_last_run_failed')).toBe(1);
    expect(sample(text, 'ecr_maintenance_last_run_timestamp_seconds')).toBe(1714536030);

    levels.maintenance = { finishedAt: '2024-05-02T04:00:00.000Z', failed: false };
    text = await metrics.text();
    expect(sample(text, 'ecr_maintenance_last_run_failed')).toBe(0);
  });

  test('no maintenance source: no maintenance series at all', async () => {
    const text = await metricsWith(idle(), false).text();
    expect(text).not.toContain('ecr_maintenance_last_run');
  });
});
