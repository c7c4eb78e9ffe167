import { luhnValid } from '@ecr/common';
import { cbTicketLines, formatAmount } from '../src/cb-ticket';
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
