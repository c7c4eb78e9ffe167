import { decodeV3Answer, encodeV3Request, v3AnswerToResult } from '@ecr/protocol';
import type { PaymentCodec } from './terminal-driver';

/** Concert V3 (Caisse-AP): a debit answered at the end, with the customer ticket asked for. */
export const concertV3Codec: PaymentCodec = {
  protocol: 'concert-v3',
  label: 'Concert V3',
  encodeRequest: (request) =>
    encodeV3Request({
      version: '0320',
      ecrId: '000000000001',
      posNumber: '01',
      amount: request.amount,
      action: 'debit',
      currencyNumeric: request.currencyNumeric,
      privateData: request.reference,
      askTicket: true,
    }),
  decodeAnswer: (payload) => {
    const answer = decodeV3Answer(payload);
    if (!answer.ok) return answer;
    const a = answer.value;
    // CF is not always an echo (concert/echo.ts); CB and CE may be missing (a Desk/5000's red key): the
    // runner then takes them from the payment the answer is credited to.
    return { ok: true, value: { ref: a.privateData, result: v3AnswerToResult(a), hasAmount: a.amount !== undefined, hasCurrency: a.currencyNumeric !== undefined } };
  },
};
