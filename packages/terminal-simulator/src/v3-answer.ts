/**
 * The Concert V3 / Caisse-AP answer the simulated terminal gives: the request's tags echoed (as real
 * terminals do), AE/AF, and for an approved card payment the card data and the CB customer ticket.
 */
import type { TlvField, V3Answer, V3Request } from '@ecr/protocol';
import { cbTicketLines } from './cb-ticket';
import { TEST_CARD, TEST_MERCHANT, maskedTestPan, testCardExpiry } from './test-card';
import type { FinalOutcome } from './v2-answer';

/** AF reason codes of Caisse-AP. */
const REASON = { decline: '04', abandon: '11', badFormat: '09' } as const;
/** CC of a request that asks for a cheque. */
const CHEQUE = '00C';

export interface V3AnswerFacts {
  authorisationNumber: string;
  transactionNumber: number;
  now: Date;
}

export function v3Answer(request: V3Request, outcome: FinalOutcome, facts: V3AnswerFacts): V3Answer {
  if (outcome === 'decline') return { ...request, status: '01', reason: REASON.decline };
  if (outcome === 'abandon') return { ...request, status: '01', reason: REASON.abandon };
  // A cheque has no card: the terminal only says it is done.
  if (request.application === CHEQUE) return { ...request, status: '10' };
  const pan = maskedTestPan();
  return {
    ...request,
    status: '10',
    application: TEST_CARD.application,
    readingMode: TEST_CARD.readingMode,
    authorisationNumber: facts.authorisationNumber,
    pan,
    aid: TEST_CARD.aid,
    cardExpiry: testCardExpiry(facts.now),
    merchantContract: TEST_MERCHANT.contract,
    ticket: cbTicketLines({
      amount: request.amount,
      currencyNumeric: request.currencyNumeric,
      maskedPan: pan,
      authorisationNumber: facts.authorisationNumber,
      transactionNumber: facts.transactionNumber,
      at: facts.now,
    }),
  };
}

/** BA=1: the terminal only says it took the request into account (AE=11), with no result. */
export function v3ImmediateAnswer(request: V3Request): V3Answer {
  return { ...request, status: '11' };
}

/** A request the terminal could not read: AE=01 AF=09, echoing the tags it got (as the reference simulator does). */
export function v3BadFormatAnswer(received: readonly TlvField[]): V3Answer {
  const echoed = new Map<string, TlvField>();
  for (const f of received) if (!['AE', 'AF', 'ZT'].includes(f.tag) && !echoed.has(f.tag)) echoed.set(f.tag, f);
  return { status: '01', reason: REASON.badFormat, otherFields: [...echoed.values()] };
}
