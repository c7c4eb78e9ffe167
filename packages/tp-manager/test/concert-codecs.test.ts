/**
 * tp-manager's two Concert codecs (what the driver writes for a payment, and what it makes of the terminal's
 * answer), as properties: the terminal reads back the amount, currency and reference asked for; an answer is
 * reported with the terminal's own amount, currency and reference; anything else is a one-line error, never
 * a throw. Field layouts: terminal-protocols.md (Concert V2 "protocol E", Concert V3 / Caisse-AP).
 */
import fc from 'fast-check';
import { decodeV2Request, decodeV3Request, encodeV2Answer, encodeV3Answer, MAX_V3_AMOUNT, V2_MAX_AMOUNT, type V2Status, type V3Status } from '@ecr/protocol';
import { concertV2Codec } from '../src/drivers/concert-v2-codec';
import { concertV3Codec } from '../src/drivers/concert-v3-codec';

const currency = fc.stringMatching(/^[0-9]{3}$/);
/** The journal's references are 10 digits (journal.ts referenceFor). */
const reference = fc.stringMatching(/^[0-9]{10}$/);

describe('Concert V2 codec', () => {
  test('money rule 4: the request the terminal reads is a debit of exactly the amount and currency asked, with the reference, answered at the end', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: V2_MAX_AMOUNT }), currency, reference, (amount, currencyNumeric, ref) => {
        const read = decodeV2Request(concertV2Codec.encodeRequest({ amount, currencyNumeric, reference: ref }));
        expect(read).toEqual({
          ok: true,
          value: expect.objectContaining({ amount, currencyNumeric, privateField: ref, transactionType: 'debit', fullAnswer: true, answerAtEnd: true, forcedAuthorisation: false }),
        });
      }),
    );
  });

  test('money rule 4: an answer is reported with its own status, amount, currency and private field (V2 always carries both)', () => {
    const statusOutcome: Record<V2Status, string> = { '0': 'approved', '7': 'declined', '9': 'abandoned' };
    fc.assert(
      fc.property(
        fc.constantFrom<V2Status>('0', '7', '9'),
        fc.integer({ min: 0, max: V2_MAX_AMOUNT }),
        currency,
        reference,
        fc.boolean(),
        (status, amount, currencyNumeric, privateField, full) => {
          const payload = encodeV2Answer({ posNumber: '01', status, amount, paymentMeans: '1', currencyNumeric, privateField, ...(full ? { report: '4970100000000014' } : {}) });
          const decoded = concertV2Codec.decodeAnswer(payload);
          if (!decoded.ok) throw new Error(decoded.error);
          expect(decoded.value).toMatchObject({ ref: privateField, hasAmount: true, hasCurrency: true });
          expect(decoded.value.result).toMatchObject({ outcome: statusOutcome[status], amount, currencyNumeric });
          // A full answer's report begins with the whole card number: it leaves the codec masked.
          expect(JSON.stringify(decoded.value)).not.toContain('4970100000000014');
        },
      ),
    );
  });

  test('bytes that are not a V2 answer give a one-line error, never a throw or a result', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
        const decoded = concertV2Codec.decodeAnswer(Buffer.from(bytes));
        if (decoded.ok) return; // a random 28 or 83 bytes may happen to be one
        expect(decoded.error).toMatch(/^Concert V2 answer/);
        expect(decoded.error).not.toContain('\n');
      }),
    );
    expect(concertV2Codec.decodeAnswer(Buffer.from('CZ0040320AE00201AF00209', 'latin1')).ok).toBe(false);
  });
});

describe('Concert V3 codec', () => {
  test('money rule 4: the request the terminal reads is a debit of exactly the amount and currency asked, with the reference, ticket asked', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_V3_AMOUNT }), currency, reference, (amount, currencyNumeric, ref) => {
        const read = decodeV3Request(concertV3Codec.encodeRequest({ amount, currencyNumeric, reference: ref }));
        expect(read).toEqual({ ok: true, value: expect.objectContaining({ amount, currencyNumeric, privateData: ref, action: 'debit', askTicket: true }) });
      }),
    );
  });

  test('money rule 4: an answer is reported with the terminal\'s amount and currency, and says when it gave none (a Desk/5000\'s red key)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<V3Status>('10', '01'),
        fc.option(fc.integer({ min: 0, max: MAX_V3_AMOUNT }), { nil: undefined }),
        fc.option(currency, { nil: undefined }),
        fc.option(reference, { nil: undefined }),
        (status, amount, currencyNumeric, privateData) => {
          const payload = encodeV3Answer({ status, amount, currencyNumeric, privateData, ...(status === '01' ? { reason: '11' } : {}) });
          const decoded = concertV3Codec.decodeAnswer(payload);
          if (!decoded.ok) throw new Error(decoded.error);
          expect(decoded.value.ref).toBe(privateData);
          expect(decoded.value.hasAmount).toBe(amount !== undefined);
          expect(decoded.value.hasCurrency).toBe(currencyNumeric !== undefined);
          // No amount given: 0 and '' (terminal-driver.ts), for the runner to take from the payment it credits.
          expect(decoded.value.result).toMatchObject({
            outcome: status === '10' ? 'approved' : 'abandoned',
            amount: amount ?? 0,
            currencyNumeric: currencyNumeric ?? '',
          });
        },
      ),
    );
  });

  test('bytes that are not a V3 answer give a one-line error, never a throw or a result', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
        const decoded = concertV3Codec.decodeAnswer(Buffer.from(bytes));
        if (decoded.ok) return;
        expect(decoded.error).toMatch(/^Concert V3 answer/);
        expect(decoded.error).not.toContain('\n');
      }),
    );
    // A V2 answer on a line configured for V3.
    const v2 = encodeV2Answer({ posNumber: '01', status: '0', amount: 1234, paymentMeans: '1', currencyNumeric: '978', privateField: '0000004711' });
    expect(concertV3Codec.decodeAnswer(v2)).toEqual({ ok: false, error: expect.stringMatching(/^Concert V3 answer/) });
  });

  test('labels and protocols name what a technician configures', () => {
    expect([concertV2Codec.protocol, concertV2Codec.label]).toEqual(['concert-v2', 'Concert V2']);
    expect([concertV3Codec.protocol, concertV3Codec.label]).toEqual(['concert-v3', 'Concert V3']);
  });
});
