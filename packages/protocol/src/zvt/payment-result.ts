/**
 * A ZVT payment's messages -> one protocol-neutral result. The protocol package cannot import @ecr/common:
 * tp-manager's ZVT driver maps this onto PaymentResult. The outcome is 'unknown' whenever the terminal's
 * answer does not settle it (money rule 1): a missing status information, an approval of another amount or
 * currency (money rule 4), an approval followed by an abort, no acknowledgement or no answer in time.
 */
import { isHostRefusal, resultCodeText } from './codes';
import type { ZvtFields } from './fields';

export type ZvtOutcome =
  | 'approved'
  /** The host refused the card (result codes 01-63). */
  | 'declined'
  /** Ended at the terminal: its time-out, its abort key, or our 06 B0 (result code 6C). */
  | 'aborted'
  /** The terminal refused the command itself (84 xx): nothing started. */
  | 'refused'
  /** The terminal ended the payment with another error code. */
  | 'error'
  /** Not known yet: settled later from the terminal's own records. */
  | 'unknown';

export interface ZvtPaymentResult {
  outcome: ZvtOutcome;
  reason?: string;
  resultCode?: number;
  /** What was asked: minor units and ISO numeric currency (the currency may be absent from the request). */
  requestedAmount: number;
  requestedCurrency?: string;
  /** What the terminal reported (BMP 04 / 49). */
  amount?: number;
  currencyNumeric?: string;
  maskedPan?: string;
  authorisationNumber?: string;
  traceNumber?: string;
  receiptNumber?: string;
  terminalId?: string;
  vuNumber?: string;
  cardName?: string;
  aid?: string;
  expiry?: string;
  date?: string;
  time?: string;
  /** Receipt lines the terminal sent for the ECR to print (06 D1 / 06 D3), in order. */
  receiptLines: string[];
  /** We asked for the abort (06 B0). */
  abortRequested: boolean;
}

export interface PaymentEvidence {
  request: { amount: number; currencyNumeric?: string };
  /** Every 04 0F received during the payment, in order. */
  statusInformation: ZvtFields[];
  receiptLines: string[];
  abortRequested: boolean;
  end:
    | { kind: 'completion'; fields: ZvtFields }
    | { kind: 'abort'; resultCode: number }
    | { kind: 'refused'; code: number }
    | { kind: 'no-ack' }
    | { kind: 'timeout' };
}

export function zvtPaymentResult(e: PaymentEvidence): ZvtPaymentResult {
  const last = e.statusInformation[e.statusInformation.length - 1];
  const r: ZvtPaymentResult = {
    outcome: 'unknown',
    requestedAmount: e.request.amount,
    receiptLines: e.receiptLines,
    abortRequested: e.abortRequested,
  };
  if (e.request.currencyNumeric) r.requestedCurrency = e.request.currencyNumeric;
  if (last) copyFields(r, last);
  const settle = (outcome: ZvtOutcome, reason?: string, resultCode?: number) => {
    r.outcome = outcome;
    if (reason) r.reason = reason;
    if (resultCode !== undefined) r.resultCode = resultCode;
    return r;
  };

  switch (e.end.kind) {
    case 'no-ack':
      return settle('unknown', 'the terminal did not acknowledge the payment request: it may or may not have started');
    case 'timeout':
      return settle('unknown', 'the terminal sent nothing more within the payment time-out: the payment may still complete');
    case 'refused':
      return settle('refused', `the terminal refused the payment request (84 ${hex(e.end.code)}): nothing was charged`, e.end.code);
    case 'abort': {
      const code = e.end.resultCode;
      if (last?.resultCode === 0x00) {
        return settle('unknown', `the terminal reported an approval (04 0F result 00), then aborted (06 1E ${hex(code)}): whether the card was charged is not known`, code);
      }
      return failure(settle, code, e.abortRequested);
    }
    case 'completion': {
      const code = last?.resultCode ?? e.end.fields.resultCode;
      if (code === undefined) return settle('unknown', 'the terminal completed (06 0F) without a status information or a result code');
      // A 27 other than 00 is a failure even when 06 0F follows (zvt.md; ecrterm trusts 06 0F alone).
      if (code !== 0x00) return failure(settle, code, e.abortRequested);
      // Money rule 4: approved means this amount in this currency. A terminal that leaves BMP 04 / 49 out
      // approved the command we sent, which carried them.
      const amount = last?.amount ?? e.request.amount;
      if (amount !== e.request.amount) {
        return settle('unknown', `the terminal approved ${amount} minor units, the kiosk asked ${e.request.amount}`, code);
      }
      const currency = last?.currencyNumeric;
      if (currency !== undefined && e.request.currencyNumeric !== undefined && currency !== e.request.currencyNumeric) {
        return settle('unknown', `the terminal approved currency ${currency}, the kiosk asked ${e.request.currencyNumeric}`, code);
      }
      r.amount = amount;
      if (!r.currencyNumeric && e.request.currencyNumeric) r.currencyNumeric = e.request.currencyNumeric;
      return settle('approved', undefined, code);
    }
  }
}

function failure(settle: (o: ZvtOutcome, reason?: string, code?: number) => ZvtPaymentResult, code: number, abortRequested: boolean): ZvtPaymentResult {
  if (code === 0x6c) {
    const reason = abortRequested ? 'cancelled at the kiosk\'s request: the terminal ended the payment (result 6C)' : 'aborted on the terminal: time-out or abort key (result 6C)';
    return settle('aborted', reason, code);
  }
  if (isHostRefusal(code)) return settle('declined', `card refused: ${resultCodeText(code)}`, code);
  return settle('error', `the terminal ended the payment: ${resultCodeText(code)} (result ${hex(code)})`, code);
}

function copyFields(r: ZvtPaymentResult, f: ZvtFields): void {
  const keys = ['amount', 'currencyNumeric', 'maskedPan', 'authorisationNumber', 'traceNumber', 'receiptNumber', 'terminalId', 'vuNumber', 'cardName', 'aid', 'expiry', 'date', 'time'] as const;
  for (const k of keys) {
    const v = f[k];
    if (v !== undefined) (r as unknown as Record<string, unknown>)[k] = v;
  }
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0').toUpperCase();
}
