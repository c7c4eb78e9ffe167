import { decodeV2Answer, encodeV2Request, v2AnswerToResult } from '@ecr/protocol';
import type { PaymentCodec } from './terminal-driver';

/** Concert V2: a debit, full answer (card data for the receipt), answer at the end, terminal decides. */
export const concertV2Codec: PaymentCodec = {
  protocol: 'concert-v2',
  label: 'Concert V2',
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
    // The private field is not always an echo: a real Telium answers it with zeros (concert/echo.ts).
    // V2 answers always carry amount and currency (fixed fields).
    return { ok: true, value: { ref: answer.value.privateField, result: v2AnswerToResult(answer.value), hasAmount: true, hasCurrency: true } };
  },
};
