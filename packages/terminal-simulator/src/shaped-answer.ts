/**
 * The bytes of one answer, shaped by the answer forms (answer-forms.ts) to play a real terminal: the tidy
 * answer from v2-answer.ts / v3-answer.ts, then what real terminals do differently, each with its source.
 */
import { maskPan } from '@ecr/common';
import { encodeV2Answer, encodeV3Answer, parseTlv, type TlvField, type V2Request, type V3Request } from '@ecr/protocol';
import { approvedAmountFor, type AnswerForms } from './answer-forms';
import { cbTicketLines } from './cb-ticket';
import { writeRawTlv } from './raw-tlv';
import { maskedTestPan } from './test-card';
import { v2Answer, type FinalOutcome } from './v2-answer';
import { v3Answer, type V3AnswerFacts } from './v3-answer';

/** akretion/caisse-ap-ip `caisse_ap_ip_server.py`: `answer_dict['CF'] = '1010000000'` on success. */
export const DESK5000_CF = '1010000000';
/** Ousret/pyTeliumManager README, a real Telium's answer: `'_private': '0000000000'`. */
export const TELIUM_PRIVATE = '0000000000';

export interface ShapedAnswer {
  bytes: Buffer;
  /** Amount the answer carries (approved, or echoed); undefined when left out. */
  amount?: number;
  /** Reference the answer carries (V2 private field, V3 CF), as sent. */
  reference?: string;
}

/** For an extra answer: the reference and outcome it carries instead of the request's. */
export interface Override {
  ref: string;
  outcome: 'approve' | 'decline';
}

export function v2AnswerBytes(request: V2Request, outcome: FinalOutcome, authorisationNumber: string, now: Date, forms: AnswerForms, override?: Override): ShapedAnswer {
  const final = override?.outcome ?? outcome;
  const answer = v2Answer(request, final, authorisationNumber, now);
  if (override) answer.privateField = override.ref.padEnd(10, ' ');
  else if (forms.answerReference === 'zeros') answer.privateField = TELIUM_PRIVATE;
  if (final === 'approve' && !override) answer.amount = approvedAmountFor(forms, request.amount);
  if (answer.report && final !== 'abandon' && forms.cardNumber) answer.report = forms.cardNumber.padEnd(19, ' ') + answer.report.slice(19);
  // A real Telium's report: the card number, then zeros to 55 characters (pyTeliumManager README).
  if (answer.report && final !== 'abandon' && forms.reportPadding === 'zeros') answer.report = answer.report.slice(0, 19).trimEnd().padEnd(55, '0');
  return { bytes: encodeV2Answer(answer), amount: answer.amount, reference: answer.privateField };
}

export function v3AnswerBytes(request: V3Request, outcome: FinalOutcome, facts: V3AnswerFacts, forms: AnswerForms, override?: Override): ShapedAnswer {
  const final = override?.outcome ?? outcome;
  const asked: V3Request = override ? { ...request, privateData: override.ref } : request;
  const tidy = v3Answer(asked, final, facts);
  if (tidy.pan && forms.cardNumber) tidy.pan = maskPan(forms.cardNumber);
  const approved = final === 'approve' && !override ? approvedAmountFor(forms, request.amount) : request.amount;
  tidy.amount = approved;
  if (tidy.ticket) {
    tidy.ticket = cbTicketLines({
      amount: approved,
      currencyNumeric: request.currencyNumeric,
      maskedPan: tidy.pan ?? maskedTestPan(),
      authorisationNumber: facts.authorisationNumber,
      transactionNumber: facts.transactionNumber,
      at: facts.now,
    });
  }
  const ticket = tidy.ticket;
  if (forms.ticketForm !== 'codec') delete tidy.ticket;
  let fields: TlvField[] = parseTlv(encodeV3Answer(tidy)).fields;

  const set = (tag: string, value: string | undefined): void => {
    const at = fields.findIndex((f) => f.tag === tag);
    if (value === undefined) fields = fields.filter((f) => f.tag !== tag);
    else if (at >= 0) fields[at] = { tag, value };
    else fields.push({ tag, value });
  };
  const get = (tag: string): string | undefined => fields.find((f) => f.tag === tag)?.value;

  if (!override) {
    if (forms.answerReference === 'desk5000' && final === 'approve') set('CF', DESK5000_CF);
    if (forms.answerReference === 'absent') set('CF', undefined);
    // HiPay "Local API for Nepting": CF is echoed and may carry a separator character (where it sits is not documented).
    const cf = get('CF');
    if (forms.cfSeparator && cf !== undefined) set('CF', cf + Buffer.from(forms.cfSeparator, 'hex').toString('latin1'));
    // AF is 2 to 50 characters: the code, then the acquirer's text (terminal-protocols.md, V3 answer).
    const af = get('AF');
    if (forms.reasonText && af !== undefined) set('AF', af + forms.reasonText);
    // A Desk/5000 answers a zero or empty CB when the customer presses the red key (OCA/l10n-france 669-672).
    if (final === 'abandon' && forms.abandonAmount !== 'echo') set('CB', forms.abandonAmount === 'zero' ? '0' : '');
  }
  // HiPay "Local API for Nepting" shows the ticket as `ZT374CK003100AK361...`: a container holding CK and
  // AK (the ticket text). Lines are joined by a line feed: the example does not show how lines are split.
  if (forms.ticketForm === 'zt-container' && ticket) {
    set('ZT', writeRawTlv([{ tag: 'CK', value: '100' }, { tag: 'AK', value: ticket.join('\n') }]).toString('latin1'));
  }
  const cb = get('CB');
  return { bytes: writeRawTlv(fields), amount: cb === undefined || cb === '' ? undefined : Number(cb), reference: get('CF') };
}
