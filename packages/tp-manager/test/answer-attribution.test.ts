/**
 * attributeAnswer on its own (money rule 3): which payment a terminal answer is credited to, with a journal
 * in memory standing for tp-manager.db (the only stand-in, for this one module). Every way an answer can fail
 * to fit leaves it unattributed, never guessed.
 */
import type { JournalEntry, PaymentResult } from '@ecr/common';
import { attributeAnswer, type AttributionContext } from '../src/answer-attribution';
import type { DecodedAnswer } from '../src/drivers/terminal-driver';

const T0 = Date.parse('2026-01-01T12:00:00.000Z');

function entry(id: string, ref: string, extra: Partial<JournalEntry> = {}): JournalEntry {
  return { id, ref, orderId: `Order_${id}`, amount: 899, currencyNumeric: '978', state: 'pending', receivedAt: new Date(T0).toISOString(), seq: 1, ...extra };
}
const waiting = (id: string, ref: string, connectorCode: PaymentResult['connectorCode'], extra: Partial<JournalEntry> = {}) =>
  entry(id, ref, { state: 'done', result: { outcome: 'error', connectorCode, amount: 899, currencyNumeric: '978' }, ...extra });

function journal(...entries: JournalEntry[]): AttributionContext['journal'] & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    byRef: (ref) => entries.find((e) => e.ref === ref),
    get: (id) => entries.find((e) => e.id === id),
    latestOther: (id) => {
      asked.push(id);
      return [...entries].reverse().find((e) => e.id !== id);
    },
  };
}

function answer(ref: string | undefined, result: Partial<PaymentResult> = {}, has = { amount: true, currency: true }): DecodedAnswer {
  return { ref, result: { outcome: 'approved', amount: 899, currencyNumeric: '978', ...result }, hasAmount: has.amount, hasCurrency: has.currency };
}

const ctx = (j: AttributionContext['journal'], current?: { id: string; taken: boolean }, notBefore = T0 - 1000): AttributionContext => ({ journal: j, current, notBefore });

describe('attributeAnswer (money rule 3)', () => {
  test('our reference, whatever the padding: credited to that payment', () => {
    const j = journal(entry('a', '0000000042'), entry('b', '0000000043'));
    expect(attributeAnswer(answer(' 0000000042\r'), ctx(j))).toMatchObject({ kind: 'credit', entry: { id: 'a' }, result: { outcome: 'approved', amount: 899 } });
  });

  test('a reference that is not ours: unattributed, naming it', () => {
    const v = attributeAnswer(answer('0000009999'), ctx(journal(entry('a', '0000000042'))));
    expect(v).toEqual({ kind: 'unattributed', why: 'its reference 0000009999 is not one this tp-manager sent' });
  });

  test('no echo: the current payment once the terminal took it, not before', () => {
    const j = journal(entry('a', '0000000042'));
    expect(attributeAnswer(answer(undefined), ctx(j, { id: 'a', taken: true }))).toMatchObject({ kind: 'credit', entry: { id: 'a' } });
    expect(attributeAnswer(answer(undefined), ctx(j, { id: 'a', taken: false }))).toEqual({
      kind: 'unattributed',
      why: 'it echoes no reference and no payment is waiting for an answer',
    });
    expect(j.asked).toEqual(['a', 'a']);
  });

  test('no echo, no payment running: the last one left waiting takes it, asked with no current id', () => {
    const j = journal(waiting('a', '0000000042', 'terminal-timeout'));
    expect(attributeAnswer(answer('0000000000'), ctx(j))).toMatchObject({ kind: 'credit', entry: { id: 'a' } });
    expect(j.asked).toEqual(['']);
  });

  test.each(['terminal-timeout', 'line-lost', 'interrupted', 'cancelled'] as const)('no echo: a payment left waiting by %s takes it', (code) => {
    expect(attributeAnswer(answer(undefined), ctx(journal(waiting('a', '1', code))))).toMatchObject({ kind: 'credit', entry: { id: 'a' } });
  });

  test.each([
    ['a real answer already', entry('a', '1', { state: 'done', result: { outcome: 'declined', amount: 899, currencyNumeric: '978' } })],
    ['nothing sent (not-connected)', waiting('a', '1', 'not-connected')],
    ['nothing sent (send-failed)', waiting('a', '1', 'send-failed')],
    ['still pending (no placeholder)', entry('a', '1')],
  ])('no echo: a payment with %s takes nothing', (_what, last) => {
    expect(attributeAnswer(answer(undefined), ctx(journal(last)))).toMatchObject({ kind: 'unattributed', why: 'it echoes no reference and no payment is waiting for an answer' });
  });

  test('no echo: a payment left waiting takes it from the window\'s first millisecond, not one before', () => {
    const j = journal(waiting('a', '1', 'terminal-timeout'));
    expect(attributeAnswer(answer(undefined), ctx(j, undefined, T0)).kind).toBe('credit');
    expect(attributeAnswer(answer(undefined), ctx(j, undefined, T0 + 1)).kind).toBe('unattributed');
  });

  test('no echo, two payments that both fit (one left waiting, one current): unattributed, naming both', () => {
    const j = journal(waiting('a', '1', 'terminal-timeout'), entry('b', '2'));
    expect(attributeAnswer(answer(undefined), ctx(j, { id: 'b', taken: true }))).toEqual({
      kind: 'unattributed',
      why: 'it echoes no reference and agrees with 2 payments waiting for an answer (orderId Order_b 899 978, orderId Order_a 899 978): cannot tell which',
    });
  });

  test('no echo, two payments waiting but only one agrees in amount: that one', () => {
    const j = journal(waiting('a', '1', 'terminal-timeout', { amount: 500 }), entry('b', '2'));
    expect(attributeAnswer(answer(undefined, { amount: 500 }), ctx(j, { id: 'b', taken: true }))).toMatchObject({ kind: 'credit', entry: { id: 'a' }, result: { amount: 500 } });
  });

  test.each([
    ['another amount', { amount: 900 }],
    ['another currency', { currencyNumeric: '840' }],
    ['an approval of 0', { amount: 0 }],
  ])('no echo with %s than the payment waiting: unattributed, naming the payment', (_what, result) => {
    const j = journal(entry('a', '1'));
    expect(attributeAnswer(answer(undefined, result), ctx(j, { id: 'a', taken: true }))).toEqual({
      kind: 'unattributed',
      why: 'it echoes no reference and its amount or currency agrees with no payment waiting for an answer (orderId Order_a 899 978)',
    });
  });

  test('money rule 4: an answer without amount or currency is of the request; with them, the terminal\'s own', () => {
    const j = journal(entry('a', '1'));
    const bare = attributeAnswer(answer(undefined, { amount: 0, currencyNumeric: '' }, { amount: false, currency: false }), ctx(j, { id: 'a', taken: true }));
    expect(bare).toMatchObject({ kind: 'credit', result: { outcome: 'approved', amount: 899, currencyNumeric: '978' } });
    const partial = attributeAnswer(answer('1', { amount: 600, currencyNumeric: '840' }), ctx(j));
    expect(partial).toMatchObject({ kind: 'credit', result: { amount: 600, currencyNumeric: '840' } });
  });

  test('a refusal with amount 0 (the red key on a Desk/5000) fits and is journaled with the request\'s amount', () => {
    const j = journal(entry('a', '1'));
    const v = attributeAnswer(answer(undefined, { outcome: 'abandoned', amount: 0 }), ctx(j, { id: 'a', taken: true }));
    expect(v).toMatchObject({ kind: 'credit', result: { outcome: 'abandoned', amount: 899, currencyNumeric: '978' } });
    const declinedOther = attributeAnswer(answer('1', { outcome: 'declined', amount: 5 }), ctx(j));
    expect(declinedOther).toMatchObject({ kind: 'credit', result: { outcome: 'declined', amount: 5 } });
  });

  test('money rule 4: an approval of 0 carrying our reference is journaled as 0, never as the amount asked', () => {
    const v = attributeAnswer(answer('1', { outcome: 'approved', amount: 0 }), ctx(journal(entry('a', '1'))));
    expect(v).toMatchObject({ kind: 'credit', result: { outcome: 'approved', amount: 0, currencyNumeric: '978' } });
  });

  test('no echo, a refusal of another amount than the payment waiting (not 0): unattributed', () => {
    const v = attributeAnswer(answer(undefined, { outcome: 'declined', amount: 5 }), ctx(journal(entry('a', '1')), { id: 'a', taken: true }));
    expect(v.kind).toBe('unattributed');
  });

  test('no echo, agreeing with none of two payments waiting: both named, comma-separated', () => {
    const j = journal(waiting('a', '1', 'terminal-timeout', { amount: 500 }), entry('b', '2'));
    expect(attributeAnswer(answer(undefined, { amount: 700 }), ctx(j, { id: 'b', taken: true }))).toEqual({
      kind: 'unattributed',
      why: 'it echoes no reference and its amount or currency agrees with no payment waiting for an answer (orderId Order_b 899 978, orderId Order_a 500 978)',
    });
  });
});

