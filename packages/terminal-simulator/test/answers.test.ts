import { luhnValid } from '@ecr/common';
import { cbTicketLines, formatAmount } from '../src/cb-ticket';
import type { V2Request, V3Request } from '@ecr/protocol';
import { applyAnswerForm, TIDY_ANSWERS, type AnswerForms } from '../src/answer-forms';
import { v2AnswerBytes, v3AnswerBytes } from '../src/shaped-answer';
import { v2Report } from '../src/v2-answer';

test('amounts print with the currency exponent and a decimal comma', () => {
  expect(formatAmount(899, '978')).toBe('8,99 EUR');
  expect(formatAmount(5, '978')).toBe('0,05 EUR');
  expect(formatAmount(1500, '392')).toBe('1500 JPY');
  expect(formatAmount(1234, '414')).toBe('1,234 KWD');
  expect(formatAmount(100, '999')).toBe('100 (999)');
});

test('the CB ticket has the lines a CB terminal prints, dated like "LE dd/mm/yy A hh:mm:ss"', () => {
  const lines = cbTicketLines({
    amount: 899,
    currencyNumeric: '978',
    maskedPan: '497010XXXXXX0014',
    authorisationNumber: '122603',
    transactionNumber: 7,
    at: new Date(2019, 10, 28, 11, 6, 17),
  });
  expect(lines).toEqual(
    expect.arrayContaining([
      'CARTE BANCAIRE',
      'A0000000421010CB',
      'LE 28/11/19 A 11:06:17',
      '497010XXXXXX0014',
      'NO AUTO:122603',
      'MONTANT REEL:8,99 EUR',
      'DEBIT',
      'TICKET CLIENT A CONSERVER',
    ]),
  );
  expect(lines.indexOf('CARTE BANCAIRE')).toBe(0);
  expect(lines[lines.length - 1]).toBe('TICKET CLIENT A CONSERVER');
});

test('the V2 report is 55 characters, begins with the Luhn-valid test PAN, and is blank when no card was read', () => {
  const now = new Date(2030, 0, 1);
  const approved = v2Report('approve', '654321', now);
  expect(approved).toHaveLength(55);
  expect(approved.slice(0, 19)).toBe('4970100000000014   ');
  expect(luhnValid('4970100000000014')).toBe(true);
  expect(approved.slice(19, 23)).toBe('3112');
  expect(approved.slice(23, 29)).toBe('654321');
  expect(approved).toContain('A0000000421010');
  expect(v2Report('decline', '654321', now)).not.toContain('654321');
  expect(v2Report('abandon', '654321', now)).toBe(' '.repeat(55));
});

describe('the cardNumber answer form: the card the customer presents', () => {
  const pan = '4970107319285517';
  const forms = (more: Partial<AnswerForms>): AnswerForms => ({ ...TIDY_ANSWERS, ...more });
  const v2Request: V2Request = {
    posNumber: '01', amount: 1250, fullAnswer: true, paymentMeans: '1', transactionType: 'debit',
    currencyNumeric: '978', privateField: '0000000042', answerAtEnd: true, forcedAuthorisation: false,
  };

  test('V2 carries it in clear at the start of the report, zero-padded to 55 like a real Telium (pyTeliumManager README)', () => {
    expect(luhnValid(pan)).toBe(true);
    const now = new Date(2030, 0, 1);
    const text = v2AnswerBytes(v2Request, 'approve', '123456', now, forms({ cardNumber: pan, reportPadding: 'zeros' })).bytes.toString('latin1');
    expect(text.slice(12, 67)).toBe(pan.padEnd(55, '0'));
    const spaced = v2AnswerBytes(v2Request, 'approve', '123456', now, forms({ cardNumber: pan })).bytes.toString('latin1');
    expect(spaced.slice(12, 31)).toBe(pan.padEnd(19, ' '));
  });

  test('V3 sends it masked in AA and on the ticket', () => {
    const request: V3Request = { version: '0320', ecrId: '000000000001', posNumber: '01', amount: 1250, action: 'debit', currencyNumeric: '978', privateData: '0000000042', askTicket: true };
    const text = v3AnswerBytes(request, 'approve', { authorisationNumber: '123456', transactionNumber: 1, now: new Date() }, forms({ cardNumber: pan })).bytes.toString('latin1');
    expect(text).toContain('497010XXXXXX5517');
    expect(text).not.toContain('73192855');
  });

  test('only a Luhn-valid number of 13 to 19 digits is taken, and the error never quotes it', () => {
    expect(applyAnswerForm(forms({}), 'cardNumber', pan).ok).toBe(true);
    const refused = applyAnswerForm(forms({}), 'cardNumber', '4970107319285516');
    expect(refused).toEqual({ ok: false, error: 'cardNumber must be null or 13 to 19 digits passing the Luhn check, got 16 characters' });
    expect(applyAnswerForm(forms({}), 'cardNumber', 4970107319285517).ok).toBe(false);
  });
});
