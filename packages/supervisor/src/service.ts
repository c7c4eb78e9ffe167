/**
 * What the HTTP layer asks of the connector. Implemented by connector-service.ts (tp-manager client, order
 * book, HiPay outbox); the HTTP layer only validates, calls one method, and shapes the answer.
 * Failures are thrown as ConnectorError (@ecr/common) and mapped to a status by http/errors.ts.
 */
import type { CheckStatus, TlcResult } from '@ecr/common';
import type { OrderResponse, ValidatedOrder } from './contract';

export interface VersionInfo {
  version: string;
  type: 'tpa' | 'tpe';
  os: string;
}

/** GET /order/{orderId}: the stored outcome plus where it stands. */
export interface StoredOrder {
  response: OrderResponse | null;
  /**
   * 'in-progress' while the terminal has not answered; 'outcome-unknown' when the request reached the terminal
   * but its answer never came (a late one still replaces it).
   */
  state: 'in-progress' | 'done' | 'outcome-unknown';
  /** Delivery of the order to HiPay. */
  hipay: {
    state: 'not-needed' | 'pending' | 'delivered' | 'refused';
    attempts: number;
    nextAttemptAt?: string;
    lastError?: string;
    transactionReference?: string;
  };
}

/** Where delivery to HiPay stands (GET /health's "outbox"). */
export interface OutboxCounts {
  pending: number;
  refused: number;
  delivered?: number;
  /** Age of the oldest order not yet delivered, seconds. */
  oldestPendingAgeS?: number;
  /** The latest delivery error of a pending order, one line. */
  lastError?: string;
  /** Age of the oldest refused order, seconds, and the latest refusal's reason. */
  oldestRefusedAgeS?: number;
  lastRefusedReason?: string;
}

export interface HealthReport {
  supervisor: { pid: number; uptimeS: number; version: string };
  tpManager: { reachable: boolean; link?: string; busy?: boolean };
  outbox: OutboxCounts;
  maintenance?: unknown;
}

export interface ConnectorService {
  /** Pays on the terminal (or returns the stored answer for an orderId already paid). */
  order(order: ValidatedOrder): Promise<OrderResponse>;
  getOrder(orderId: string): Promise<StoredOrder>;
  /** Ends the payment in progress as Failure; [] when none, or the cancelled order's answer. */
  cancel(): Promise<OrderResponse[]>;
  stop(): Promise<void>;
  reset(): Promise<void>;
  version(): Promise<VersionInfo>;
  deviceId(): Promise<string>;
  tlc(): Promise<TlcResult>;
  check(): Promise<CheckStatus>;
  health(): Promise<HealthReport>;
}
