/**
 * Which payment a terminal answer belongs to, without trusting an echo that real terminals do not give
 * (money rule 3). A terminal runs one payment at a time:
 *
 * - an answer carrying one of our references belongs to that payment;
 * - an answer with no echo (missing, blank, all zeros, or a constant a terminal writes whatever was sent:
 *   @ecr/protocol concert/echo.ts) belongs to the single payment the terminal took that has no answer yet
 *   (the current one, or the last one left waiting by a time-out, a lost line or a restart, within a recent
 *   window), provided its amount and currency agree;
 * - anything else (a reference that is not ours, or no single payment that fits) settles nothing: it is kept
 *   unattributed, for reconciliation, never guessed.
 */
import type { JournalEntry, PaymentResult } from '@ecr/common';
import { isNoEchoReference, normaliseReference } from '@ecr/protocol';
import type { DecodedAnswer } from './drivers/terminal-driver';

export type Attribution = { kind: 'credit'; entry: JournalEntry; result: PaymentResult } | { kind: 'unattributed'; why: string };

export interface AttributionContext {
  journal: {
    byRef(ref: string): JournalEntry | undefined;
    get(id: string): JournalEntry | undefined;
    latestOther(id: string): JournalEntry | undefined;
  };
  /** The payment in progress; it can take an answer without echo once the terminal took its request. */
  current?: { id: string; taken: boolean };
  /** Epoch ms: a payment left waiting that began earlier is too old to take an answer without echo. */
  notBefore: number;
}

/** Placeholders that mean "the terminal took the request and its answer has not come". */
const LEFT_WAITING: readonly PaymentResult['connectorCode'][] = ['terminal-timeout', 'line-lost', 'interrupted', 'cancelled'];

export function attributeAnswer(answer: DecodedAnswer, ctx: AttributionContext): Attribution {
  if (!isNoEchoReference(answer.ref)) {
    const ref = normaliseReference(answer.ref);
    const entry = ctx.journal.byRef(ref);
    if (!entry) return { kind: 'unattributed', why: `its reference ${ref} is not one this tp-manager sent` };
    return { kind: 'credit', entry, result: completed(answer, entry) };
  }

  const candidates: JournalEntry[] = [];
  const current = ctx.current?.taken ? ctx.journal.get(ctx.current.id) : undefined;
  if (current) candidates.push(current);
  const last = ctx.journal.latestOther(ctx.current?.id ?? '');
  if (last && leftWaiting(last) && Date.parse(last.receivedAt) >= ctx.notBefore) candidates.push(last);
  const fits = candidates.filter((e) => agrees(answer, e));
  if (fits.length === 1) return { kind: 'credit', entry: fits[0]!, result: completed(answer, fits[0]!) };
  if (fits.length === 0) {
    return {
      kind: 'unattributed',
      why:
        candidates.length === 0
          ? 'it echoes no reference and no payment is waiting for an answer'
          : `it echoes no reference and its amount or currency agrees with no payment waiting for an answer (${candidates.map(describe).join(', ')})`,
    };
  }
  return { kind: 'unattributed', why: `it echoes no reference and agrees with ${fits.length} payments waiting for an answer (${fits.map(describe).join(', ')}): cannot tell which` };
}

function leftWaiting(entry: JournalEntry): boolean {
  return entry.state === 'done' && LEFT_WAITING.includes(entry.result?.connectorCode);
}

/**
 * Amount and currency agree when the answer carries the request's, or carries none. A non-approved answer
 * with amount 0 agrees too: a Desk/5000 sends a zero or empty CB when the customer presses the red key
 * (OCA/l10n-france issues 669 to 672).
 */
function agrees(answer: DecodedAnswer, entry: JournalEntry): boolean {
  const r = answer.result;
  const amountOk = !answer.hasAmount || r.amount === entry.amount || (r.outcome !== 'approved' && r.amount === 0);
  const currencyOk = !answer.hasCurrency || r.currencyNumeric === entry.currencyNumeric;
  return amountOk && currencyOk;
}

/**
 * The result as journaled. The amount is the terminal's whenever it gave one (the supervisor compares it
 * with the request: money rule 4). When it gave none, the request's amount is used: for an approval because
 * the terminal approved the request it was given; for a refusal (or its zero amount) because nothing was paid.
 */
function completed(answer: DecodedAnswer, entry: JournalEntry): PaymentResult {
  const result: PaymentResult = { ...answer.result };
  if (!answer.hasAmount || (result.outcome !== 'approved' && result.amount === 0)) result.amount = entry.amount;
  if (!answer.hasCurrency) result.currencyNumeric = entry.currencyNumeric;
  return result;
}

function describe(entry: JournalEntry): string {
  return `orderId ${entry.orderId} ${entry.amount} ${entry.currencyNumeric}`;
}
