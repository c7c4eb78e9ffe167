/**
 * Issue 11 item 1: the kiosk's receipt is built in one place, from the protocol-neutral PaymentResult,
 * whatever the terminal's protocol. Money rule 4: the amount and currency on it are the ones the terminal
 * approved, never invented.
 */
import { RECEIPT_FIELD_WIDTHS, RECEIPT_KEYS, type PaymentResult } from '@ecr/common';
import { buildReceipt, terminalFields } from '../../src/receipt';

const EUR = { alpha: 'EUR', exponent: 2 };
const at = new Date(2026, 10, 27, 9, 5, 7);

test('money rule 4: amount, inclusive amount and currency are the approved ones; date and time are the answer\'s', () => {
  const receipt = buildReceipt({ outcome: 'approved', amount: 899, currencyNumeric: '978' }, EUR, at);
  expect(receipt).toMatchObject({
    amount: '00000899',
    inclusiveAmount: '00000899',
    currencyNumCode: '978',
    currencyAlphaCode: 'EUR',
    currencyFractionPart: '2',
    localDate: '271126',
    localTime: '090507',
  });
});

test('every key is present, blank at its width when the terminal did not give it', () => {
  const receipt = buildReceipt({ outcome: 'approved', amount: 1, currencyNumeric: '978' }, EUR, at);
  expect(Object.keys(receipt).sort()).toEqual([...RECEIPT_KEYS].sort());
  expect(receipt.SIRET).toBe(' '.repeat(RECEIPT_FIELD_WIDTHS.SIRET));
  expect(receipt.primaryAccountNumber).toBe(' '.repeat(16));
});

test('a Concert V3 answer and a ZVT answer land under the same names', () => {
  const concert: PaymentResult = {
    outcome: 'approved', amount: 899, currencyNumeric: '978', maskedPan: '497010XXXXXX0014', authorisationNumber: '123456',
    aid: 'A00000000808111225912', readingMode: 'C', merchantContract: '1234567', cardExpiry: '2812', applicationLabel: 'CB',
  };
  expect(terminalFields(concert)).toEqual({
    primaryAccountNumber: '497010XXXXXX0014', authorizationNumber: '123456', AID: 'A00000000808111225912', readingMode: 'C',
    contractNumber: '1234567', cardAppExpiry: '2812', label: 'CB',
  });
  const zvt: PaymentResult = { outcome: 'approved', amount: 899, currencyNumeric: '978', maskedPan: '497010XXXXXX0014', authorisationNumber: '12345678', aid: 'A0000000041010AABBCCDD', traceNumber: '42' };
  expect(terminalFields(zvt)).toEqual({ primaryAccountNumber: '497010XXXXXX0014', authorizationNumber: '123456', AID: 'A0000000041010AABBCCDD', transactionNumber: '000042' });
});
