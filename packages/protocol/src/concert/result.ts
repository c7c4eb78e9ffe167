/**
 * Concert answers -> the protocol-neutral TerminalPaymentResult (tp-manager's codecs hand it on as the
 * connector's PaymentResult). Card numbers leave here masked, whatever the terminal sent: a V2 full answer's
 * report begins with the full PAN, and a V3 AA may come unmasked. The kiosk's receipt is not built here:
 * the supervisor builds it from these fields.
 */
import { maskPan, maskPansInText, maskZeroPaddedPan } from '../pan';
import type { PaymentOutcome, TerminalPaymentResult } from '../payment-result';
import type { V2Answer } from './v2';
import type { V3Answer, V3Request } from './v3';

export function v2AnswerToResult(answer: V2Answer): TerminalPaymentResult {
  const [outcome, reason] = v2Outcome(answer.status);
  const result: TerminalPaymentResult = { outcome, amount: answer.amount, currencyNumeric: answer.currencyNumeric };
  if (reason) result.reason = reason;
  const maskedPan = answer.report === undefined ? undefined : reportCardNumber(answer.report);
  if (maskedPan) result.maskedPan = maskedPan;
  return result;
}

/**
 * The report begins with the card number, followed by spaces (the protocol's padding) or, on a real Telium, by
 * zeros to 55 characters (Ousret/pyTeliumManager README), where its length is found by Luhn (../pan.ts).
 */
function reportCardNumber(report: string): string | undefined {
  const digits = /^\d*/.exec(report)![0];
  if (digits.length >= 13 && digits.length <= 19) return maskPan(digits);
  return digits.length > 19 ? maskZeroPaddedPan(digits) : undefined;
}

function v2Outcome(status: V2Answer['status']): [PaymentOutcome, string?] {
  switch (status) {
    case '0':
      return ['approved'];
    case '7':
      return ['declined', 'card refused by the terminal (Concert V2 status 7)'];
    case '9':
      return ['abandoned', 'payment not completed on the terminal: abandoned, timed out or failed (Concert V2 status 9)'];
    default:
      return ['error', `the terminal answered an unknown status (Concert V2 status ${JSON.stringify(status)})`];
  }
}

/**
 * `request` gives the amount and currency when the answer does not echo them (a terminal should; the
 * request is what the ECR asked for, not an invented value).
 */
export function v3AnswerToResult(answer: V3Answer, request?: Pick<V3Request, 'amount' | 'currencyNumeric'>): TerminalPaymentResult {
  const [outcome, reason] = v3Outcome(answer);
  const result: TerminalPaymentResult = {
    outcome,
    amount: answer.amount ?? request?.amount ?? 0,
    currencyNumeric: answer.currencyNumeric ?? request?.currencyNumeric ?? '',
  };
  if (reason) result.reason = reason;
  if (answer.pan) result.maskedPan = maskPan(answer.pan);
  // Free-text tags are masked too: a terminal that puts a card number in the wrong tag must not leak it
  // onto a receipt or to HiPay.
  if (answer.authorisationNumber) result.authorisationNumber = maskPansInText(answer.authorisationNumber);
  if (answer.aid) result.aid = maskPansInText(answer.aid);
  if (answer.readingMode) result.readingMode = maskPansInText(answer.readingMode);
  if (answer.merchantContract) result.merchantContract = maskPansInText(answer.merchantContract);
  if (answer.cardExpiry) result.cardExpiry = maskPansInText(answer.cardExpiry);
  const label = applicationLabel(answer.application, answer.aid);
  if (label) result.applicationLabel = label;
  // A terminal prints masked numbers on tickets; masking again costs nothing and guards the exception.
  // Control characters have no place on a printed ticket; shown as '?' they cannot join digits either.
  if (answer.ticket) result.ticket = answer.ticket.map((line) => maskPansInText(line.replace(/[\u0000-\u001f\u007f]/g, '?')));
  return result;
}

const AF_OUTCOMES: Record<string, [PaymentOutcome, string]> = {
  '02': ['error', 'the terminal asks for a phone authorisation call, which an unattended kiosk cannot make'],
  '04': ['declined', 'card refused by the terminal'],
  '05': ['declined', 'payment forbidden by the terminal'],
  '06': ['abandoned', 'payment abandoned on the terminal'],
  '07': ['error', 'payment not completed by the terminal'],
  '08': ['timeout', 'the customer did not finish on the terminal in time'],
  '09': ['error', 'the terminal rejected the request as badly formatted'],
  '10': ['error', 'the terminal could not select a card application'],
  '11': ['abandoned', 'payment abandoned on the terminal'],
  '12': ['error', 'the terminal does not know the requested action type'],
  '13': ['error', 'the terminal does not accept this currency'],
};

function v3Outcome(answer: V3Answer): [PaymentOutcome, string?] {
  switch (answer.status) {
    case '10':
      return ['approved'];
    case '11':
      return ['error', 'the terminal only acknowledged the request and gave no payment result (Concert V3 AE=11, answer at once)'];
    case '01': {
      if (answer.reason === undefined) return ['error', 'the terminal did not complete the payment and gave no reason (Concert V3 AE=01, no AF)'];
      // AF is a 2-character code, possibly followed by the acquirer's text (HiPay's "Local API for Nepting").
      const code = answer.reason.slice(0, 2);
      const text = maskPansInText(answer.reason.slice(2).replace(/[^\x20-\x7e]+/g, ' ').trim());
      const shown = `Concert V3 AF=${code.replace(/[^\x20-\x7e]/g, '?')}${text ? `: ${text}` : ''}`;
      const known = AF_OUTCOMES[code];
      if (known) return [known[0], `${known[1]} (${shown})`];
      return ['error', `the terminal did not complete the payment (${shown})`];
    }
    default:
      return ['error', `the terminal answered an unknown status (Concert V3 AE=${JSON.stringify(answer.status)})`];
  }
}

/** CC codes (after the leading zeros) of Caisse-AP applications whose brand is plain. */
const CC_LABELS: Record<string, string> = {
  '1': 'CB', // contact
  B: 'CB', // contactless
  '2': 'American Express',
  D: 'American Express', // contactless
  '6': 'Diners',
  '9': 'JCB',
  U: 'UnionPay',
  C: 'Cheque',
};

/** Registered application provider identifiers (first 10 hex digits of the AID). */
const AID_LABELS: Record<string, string> = {
  A000000003: 'Visa',
  A000000004: 'Mastercard',
  A000000042: 'CB',
  A000000025: 'American Express',
  A000000065: 'JCB',
  A000000152: 'Discover',
  A000000333: 'UnionPay',
};

/** The card brand from the V3 application code (CC), else from the AID's provider prefix. */
export function applicationLabel(application?: string, aid?: string): string | undefined {
  if (application) {
    const label = CC_LABELS[application.replace(/^0+/, '')];
    if (label) return label;
  }
  if (aid) return AID_LABELS[aid.slice(0, 10).toUpperCase()];
  return undefined;
}
