/**
 * The Concert V2 answer the simulated terminal gives for an outcome. A full answer (the request's answer
 * flag) carries the 55-character report, which begins with the card number in clear, as V2 terminals send it.
 *
 * Report layout of this simulator (terminal makers differ after the PAN):
 *   PAN (19, left-aligned) | expiry YYMM (4) | authorisation number (6) | reading mode (1) |
 *   merchant contract (7) | AID (14) | application label (4)
 */
import type { V2Answer, V2Request, V2Status } from '@ecr/protocol';
import { TEST_CARD, TEST_MERCHANT, testCardExpiry } from './test-card';

export type FinalOutcome = 'approve' | 'decline' | 'abandon';

const STATUS: Record<FinalOutcome, V2Status> = { approve: '0', decline: '7', abandon: '9' };

export function v2Answer(request: V2Request, outcome: FinalOutcome, authorisationNumber: string, now: Date): V2Answer {
  const answer: V2Answer = {
    posNumber: request.posNumber,
    status: STATUS[outcome],
    amount: request.amount,
    paymentMeans: request.paymentMeans,
    currencyNumeric: request.currencyNumeric,
    privateField: request.privateField,
  };
  if (request.fullAnswer) answer.report = v2Report(outcome, authorisationNumber, now);
  return answer;
}

/** An abandoned payment read no card: the report is blank. A refused card was read but not authorised. */
export function v2Report(outcome: FinalOutcome, authorisationNumber: string, now: Date): string {
  if (outcome === 'abandon') return ' '.repeat(55);
  const report =
    TEST_CARD.pan.padEnd(19, ' ') +
    testCardExpiry(now) +
    (outcome === 'approve' ? authorisationNumber : '000000') +
    TEST_CARD.readingMode +
    TEST_MERCHANT.contract.padStart(7, '0') +
    TEST_CARD.aid.padEnd(14, ' ') +
    TEST_CARD.label.padEnd(4, ' ');
  if (report.length !== 55) throw new RangeError(`V2 report layout is ${report.length} characters, not 55`);
  return report;
}
