/**
 * What the HTTP layer asks of the connector. Implemented by connector-service.ts (tp-manager client, order
 * book, HiPay outbox); the HTTP layer only validates, calls one method, and shapes the answer.
 * Failures are thrown as ConnectorError (@ecr/common) and mapped to a status by http/errors.ts.
 */
import type { CheckStatus, TlcResult } from '@ecr/common';
import type { OrderResponse, ValidatedOrder } from './contract';
import type { SchemaValue } from './http/schemas';

/** GET /version: the VersionResponse schema's type. */
export type VersionInfo = SchemaValue<'VersionResponse'>;

/** GET /order/{orderId}: the stored outcome plus where it stands (the OrderStatus schema, before shaping). */
export interface StoredOrder {
  response: OrderResponse | null;
  /** OrderStatus.orderState: see its description in http/schemas.ts. */
  state: SchemaValue<'OrderStatus'>['orderState'];
  /** Delivery of the order to HiPay. */
  hipay: SchemaValue<'HipayDelivery'>;
  /** In progress on a terminal that reports its status (ZVT): what it shows now. */
  display?: string;
}

/**
 * GET /health's body, the health report: the HealthReport schema's type. Not to be confused with its overall
 * `status` (HealthStatus, decided by metrics/health-status.ts), the watchdog's probe (health-check.ts) or a new
 * release's probe (maintenance/health-probe.ts), which both read it.
 */
export type HealthReport = SchemaValue<'HealthReport'>;

/** GET /health's overall verdict: 'fail' (HTTP 503) when no payment can be taken, 'warn' when one needs a look. */
export type HealthStatus = NonNullable<HealthReport['status']>;

/** Where delivery to HiPay stands (GET /health's "outbox"). */
export type OutboxCounts = HealthReport['outbox'];

/** A terminal answer credited to no order (GET /health), for a technician to reconcile. Card number masked. */
export type UnattributedSummary = NonNullable<HealthReport['tpManager']['unattributedRecent']>[number];

export interface ConnectorService {
  /** Pays on the terminal (or returns the stored answer for an orderId already paid). */
  order(order: ValidatedOrder): Promise<OrderResponse>;
  getOrder(orderId: string): Promise<StoredOrder>;
  /**
   * Asks the terminal to abort the payment in progress: 'unsupported' (501) where the protocol cannot
   * (Concert), and the payment goes on; where it can, the payment's own end once the terminal answered.
   */
  cancel(): Promise<OrderResponse[]>;
  /** Stops tp-manager; refused ('busy', 409) while a payment runs. */
  stop(): Promise<void>;
  reset(): Promise<void>;
  version(): Promise<VersionInfo>;
  deviceId(): Promise<string>;
  tlc(): Promise<TlcResult>;
  /** display: what the terminal shows during a payment, when its protocol reports it (ZVT 04 FF). */
  check(): Promise<CheckStatus & { display?: string }>;
  health(): Promise<HealthReport>;
}
