/**
 * Every request the simulated terminal received, in memory and, when asked, one JSON line per request in a
 * file (tests and benchmarks count the payments a terminal really saw with it).
 */
import { appendFileSync } from 'node:fs';
import type { Outcome } from './behaviour';

export type Protocol = 'concert-v2' | 'concert-v3';
export type Framing = 'link' | 'raw';

/**
 * When things happened to one request, in epoch milliseconds with sub-millisecond precision
 * (performance.timeOrigin + performance.now()), so a benchmark can tell the terminal's own time from the rest.
 * Only receivedAt is in the request log file (written when the request arrives); the others are filled in
 * later, in memory (simulator.requests, GET /requests).
 */
export interface RequestTiming {
  /** The request was complete (its last byte read and decoded). */
  receivedAt: number;
  /** The answer was built, after the customer's delayMs. */
  answerReadyAt?: number;
  /** The answer's first byte went on the line (link: its ENQ, once the request's exchange had ended). */
  answerSentAt?: number;
  /** The cash register took the answer (link: ACKed its frame; raw: written), or gave up on it. */
  answeredAt?: number;
}

export interface RequestRecord {
  /** ISO 8601 time the request was complete. */
  at: string;
  timing?: RequestTiming;
  protocol: Protocol | 'zvt';
  framing: Framing;
  /** Amount asked, minor units (absent when the request could not be decoded). */
  amount?: number;
  currencyNumeric?: string;
  /** V2 private field (trimmed) or V3 CF: the cash register's reference, e.g. the order id. */
  reference?: string;
  /** Every decoded field, as the codec gives it. */
  fields: Record<string, unknown>;
  /** Amount the terminal approves (its ledger: lower than `amount` on a partial approval); only when outcome is approve. */
  approvedAmount?: number;
  /** What the simulator decided to answer; 'bad-request' when the request did not decode. */
  outcome: Outcome | 'immediate' | 'bad-request';
  /** Why the request did not decode. */
  error?: string;
}

export class RequestLog {
  private readonly records: RequestRecord[] = [];

  constructor(
    private readonly path: string | undefined,
    private readonly onWriteError: (message: string) => void,
  ) {}

  add(record: RequestRecord): void {
    this.records.push(record);
    if (!this.path) return;
    try {
      // Synchronous on purpose: a test that saw the answer must find the line already written.
      appendFileSync(this.path, JSON.stringify(record) + '\n');
    } catch (err) {
      this.onWriteError(`cannot append to the request log ${this.path}: ${(err as Error).message}`);
    }
  }

  all(): RequestRecord[] {
    return [...this.records];
  }
}
