/**
 * The terminal's own ledger: one record per answer that went out on the line or could not (link: the cash
 * register ACKed it or never did; raw TCP: written to a connected register, or none was connected; the
 * terminal stopped before sending it). A soak compares it with the order book and HiPay: every approval
 * delivered must be credited to its order, never to another, and never twice.
 */
import { appendFileSync } from 'node:fs';
import type { FinalOutcome } from './v2-answer';

/** `answer`: the request's own answer; `repeat`: the same answer once more; `extra`: an answer with another reference. */
export type AnswerKind = 'answer' | 'repeat' | 'extra';

export interface AnswerRecord {
  at: string;
  kind: AnswerKind;
  outcome: FinalOutcome;
  /** Amount and reference of the request this answer follows (the cash register's). */
  requestAmount?: number;
  requestReference?: string;
  /** Amount the answer carries (approved amount of an approval); undefined when left out. */
  amount?: number;
  currencyNumeric?: string;
  /** Reference the answer carries, as sent (V2 private field, V3 CF): may differ from the request's. */
  reference?: string;
  delivered: boolean;
  /** Why it was not delivered. */
  reason?: string;
}

export class AnswerLog {
  private readonly records: AnswerRecord[] = [];

  constructor(
    private readonly path: string | undefined,
    private readonly onWriteError: (message: string) => void,
  ) {}

  add(entry: Omit<AnswerRecord, 'at'>): void {
    const record: AnswerRecord = { at: new Date().toISOString(), ...entry };
    for (const key of Object.keys(record) as (keyof AnswerRecord)[]) if (record[key] === undefined) delete record[key];
    this.records.push(record);
    if (!this.path) return;
    try {
      // Synchronous: a line must be on disk before the process can be killed after the answer.
      appendFileSync(this.path, JSON.stringify(record) + '\n');
    } catch (err) {
      this.onWriteError(`cannot append to the answer log ${this.path}: ${(err as Error).message}`);
    }
  }

  all(): AnswerRecord[] {
    return [...this.records];
  }
}
