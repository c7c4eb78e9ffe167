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
   * but its answer never came (a late one still replaces it); 'paid-other-amount' when the terminal approved
   * another amount or currency than asked: the answer is Failure naming what was paid, HiPay gets what was paid.
   */
  state: 'in-progress' | 'done' | 'outcome-unknown' | 'paid-other-amount';
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

/** A terminal answer credited to no order (GET /health), for a technician to reconcile. Card number masked. */
export interface UnattributedSummary {
  receivedAt: string;
  ref?: string;
  outcome: string;
  /** e.g. "1.00 EUR". */
  amount: string;
  maskedPan?: string;
  authorisationNumber?: string;
  why: string;
}

/** GET /health's overall verdict: 'fail' (HTTP 503) when no payment can be taken, 'warn' when one needs a look. */
export type HealthStatus = 'pass' | 'warn' | 'fail';

export interface HealthReport {
  /** The verdict of metrics/health-status.ts over the rest of the report, and its reasons, one line each. */
  status?: HealthStatus;
  problems?: string[];
  /** KIOSK_ID (default: the host name): which kiosk of a fleet answers. */
  kioskId?: string;
  supervisor: { pid: number; uptimeS: number; version: string };
  /** Orders the terminal got whose answer never came (599): the card may have been charged. */
  orders?: { outcomeUnknown: number; inProgress: number };
  /** The latest payment that ended, from the order book. */
  lastPayment?: { orderId?: string; at: string; outcome: 'success' | 'failure' | 'paid-other-amount' | 'outcome-unknown' };
  /** Free space where the data directory lies (SQLite files and logs). */
  disk?: { path: string; freeBytes: number; totalBytes: number };
  tpManager: {
    reachable: boolean;
    link?: string;
    /** Why the terminal's link is not connected, one line. */
    linkReason?: string;
    busy?: boolean;
    /** Set while tp-manager's journal cannot be written: payments are refused (503). */
    journalFault?: string;
    /** Terminal answers tp-manager could not credit to one payment surely (money rule 3). */
    unattributed?: number;
    /** The newest of them. */
    unattributedRecent?: UnattributedSummary[];
  };
  outbox: OutboxCounts;
  maintenance?: unknown;
}

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
  check(): Promise<CheckStatus>;
  health(): Promise<HealthReport>;
}
