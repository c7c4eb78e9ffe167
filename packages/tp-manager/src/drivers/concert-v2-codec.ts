import { decodeV2Answer, encodeV2Request, v2AnswerToResult } from '@ecr/protocol';
import type { PaymentCodec } from './terminal-driver';

/** Concert V2: a debit, full answer (card data for the receipt), answer at the end, terminal decides. */
export const concertV2Codec: PaymentCodec = {
  protocol: 'concert-v2',
  encodeRequest: (request) =>
    encodeV2Request({
      posNumber: '01',
      amount: request.amount,
      fullAnswer: true,
      paymentMeans: '1',
      transactionType: 'debit',
      currencyNumeric: request.currencyNumeric,
      privateField: request.reference,
      answerAtEnd: true,
      forcedAuthorisation: false,
    }),
  decodeAnswer: (payload) => {
    const answer = decodeV2Answer(payload);
    if (!answer.ok) return answer;
    const ref = answer.value.privateField.trim();
    return { ok: true, value: { ref: ref === '' ? undefined : ref, result: v2AnswerToResult(answer.value) } };
  },
};
