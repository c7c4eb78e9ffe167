/**
 * What ZVT's sans-I/O session reports, in the connector's neutral shapes: a payment's end as a terminal
 * answer (PaymentResult), a status enquiry as the contract's check, an end of day as the contract's tlc.
 * Nothing is invented: a field the terminal did not give stays out.
 */
import type { CheckStatus, PaymentResult, TlcResult } from '@ecr/common';
import type { zvt } from '@ecr/protocol';
import type { DecodedAnswer } from './terminal-driver';

/**
 * A payment's end as a terminal answer. ZVT answers echo no reference, but the session's own sequence ties
 * them to the payment it ran: `ref` is that payment's reference (the one the runner gave the driver), so the
 * runner credits the answer to it and to no other, even when another payment of the same amount was left
 * waiting (money rule 3).
 * 'unknown' (no acknowledgement, no answer in time, an approval then an abort, an approval of another amount
 * or currency) is the placeholder "answer not known": the kiosk is told 599, never Failure (money rules 1, 4).
 */
export function zvtPaymentAnswer(r: zvt.ZvtPaymentResult, ref?: string): DecodedAnswer {
  const answer = paymentAnswer(r);
  return ref === undefined ? answer : { ...answer, ref };
}

function paymentAnswer(r: zvt.ZvtPaymentResult): DecodedAnswer {
  const base = { amount: r.amount ?? r.requestedAmount, currencyNumeric: r.currencyNumeric ?? r.requestedCurrency ?? '' };
  switch (r.outcome) {
    case 'approved':
      return { result: approved(r), hasAmount: r.amount !== undefined, hasCurrency: r.currencyNumeric !== undefined };
    case 'declined':
      return failed({ outcome: 'declined', reason: r.reason, ...base });
    case 'aborted':
      // 06 1E 6C: our 06 B0 (cancelled at the kiosk's request), or the terminal's time-out or abort key.
      return failed({ outcome: 'abandoned', reason: r.reason, ...base });
    case 'refused':
    case 'error':
      return failed({ outcome: 'error', reason: r.reason, ...base });
    case 'unknown':
      return failed({ outcome: 'error', connectorCode: 'terminal-timeout', reason: r.reason, amount: r.requestedAmount, currencyNumeric: r.requestedCurrency ?? '' });
  }
}

/**
 * A failure carries the request's amount (the runner fills it in when the answer has none); declaring no
 * amount keeps a terminal's zero or missing BMP 04 on a refusal from mismatching the payment it ends.
 */
function failed(result: PaymentResult): DecodedAnswer {
  return { result: dropUndefined(result), hasAmount: false, hasCurrency: false };
}

function approved(r: zvt.ZvtPaymentResult): PaymentResult {
  return dropUndefined({
    outcome: 'approved',
    amount: r.amount ?? r.requestedAmount,
    currencyNumeric: r.currencyNumeric ?? r.requestedCurrency ?? '',
    maskedPan: r.maskedPan,
    authorisationNumber: r.authorisationNumber,
    aid: r.aid,
    traceNumber: r.traceNumber,
    cardExpiry: r.expiry,
    applicationLabel: r.cardName?.slice(0, 16),
    // The receipt lines the terminal sent for the ECR to print (06 D1 / 06 D3): the kiosk's ticket.
    ticket: r.receiptLines.length > 0 ? r.receiptLines : undefined,
  });
}

/**
 * The contract's check from a status enquiry's answer (05 01 -> 06 0F <status byte>). Status bytes: ZVT
 * terminal status table (ecrterm `common.py` TERMINAL_STATUS_CODES, in @ecr/protocol zvt/codes.ts).
 * Only what the byte says is set; the rest stays '0'.
 */
export function zvtCheckStatus(result: zvt.ZvtCommandResult): CheckStatus {
  const status: CheckStatus = { cr: '0', card: '0', call: '0', periph: '0' };
  if (result.outcome === 'unknown') return { ...status, cr: '3' }; // no acknowledgement or no answer: not there
  if (result.outcome !== 'ok' || result.terminalStatus === undefined) return { ...status, cr: '2' };
  switch (result.terminalStatus) {
    case 0x00: // ready
      return status;
    case 0xdc: // card inserted
    case 0xe1: // card not completely removed
      return { ...status, card: '1' };
    case 0x9c: // please wait (e.g. software update running)
      return { ...status, cr: '2', call: '2' };
    case 0xc0: // card locking mechanism defect
      return { ...status, cr: '2', periph: '2' };
    default:
      // Initialisation or diagnosis required, out of order, memory full...: not available for a payment.
      return { ...status, cr: '2' };
  }
}

const CARD_NAMES: Record<zvt.ZvtTotalsCard, string> = {
  girocard: 'girocard',
  jcb: 'JCB',
  eurocard: 'Eurocard/Mastercard',
  amex: 'American Express',
  visa: 'Visa',
  diners: 'Diners',
  others: 'other cards',
};

/**
 * The contract's tlc answer from an end of day (06 50). A ZVT end of day closes one batch with the acquirer:
 * each card family that had transactions in it is one App (Status '0' when the end of day completed); an
 * empty batch is one App named "end of day". The terminal's refusal (84 xx) means no call was made ('3');
 * its 06 1E or a result code other than 00 means the call failed ('2').
 */
export function zvtTlcResult(result: zvt.ZvtCommandResult): TlcResult {
  const status: TlcResult['App'][number]['Status'] = result.outcome === 'ok' ? '0' : result.outcome === 'refused' ? '3' : '2';
  const families = (result.totals?.byCard ?? []).filter((c) => c.count > 0);
  const App = families.length > 0 ? families.map((c) => ({ Name: CARD_NAMES[c.card], Status: status })) : [{ Name: 'end of day', Status: status }];
  return { NbApp: String(App.length), App };
}

function dropUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}
