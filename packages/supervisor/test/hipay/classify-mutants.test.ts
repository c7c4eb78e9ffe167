/**
 * What the mutation run of hipay/classify.ts found unproven (issue 15): the exact line an operator reads for
 * each HiPay answer, which answers are refusals, how each network failure is worded and whether HiPay may
 * have the order, and every form of transaction HiPay's lookup may send. Money rule 5: a paid order is never
 * abandoned on the way to HiPay (only a configuration problem is a refusal) and never sent twice (a failure
 * after the request left is an unknown outcome, looked up before any new POST).
 */
import {
  classifyErrorAnswer,
  classifyNetworkError,
  errorBody,
  isAlreadyHeld,
  isUnknownOrder,
  parseJson,
  parseTransaction,
  parseTransactionList,
} from '../../src/hipay/classify';

const json = (value: unknown): string => JSON.stringify(value);

describe("the line an operator reads for HiPay's error answer", () => {
  test('code, message and description on one line, whitespace runs made one space', () => {
    const r = classifyErrorAnswer(503, json({ code: 1000008, message: 'Temporarily Unavailable', description: '  Try\n\tagain   later \n' }));
    expect(r).toEqual({ kind: 'retryable', reason: 'HiPay answered HTTP 503: 1000008 Temporarily Unavailable (Try again later)', outcomeUnknown: true });
  });

  test('a description of 300 characters is kept whole; a longer one is cut at 300 with "..."', () => {
    const exact = 'a'.repeat(300);
    expect(classifyErrorAnswer(400, json({ code: 4000000, message: 'M', description: exact })).reason).toBe(`HiPay answered HTTP 400: 4000000 M (${exact})`);
    const long = `${'b'.repeat(300)}c`;
    expect(classifyErrorAnswer(400, json({ code: 4000000, message: 'M', description: long })).reason).toBe(`HiPay answered HTTP 400: 4000000 M (${'b'.repeat(300)}...)`);
  });

  test('no description: no brackets; a message alone (no code) still names it', () => {
    expect(classifyErrorAnswer(400, json({ code: 4000000, message: 'Only a message' })).reason).toBe('HiPay answered HTTP 400: 4000000 Only a message');
    expect(classifyErrorAnswer(400, json({ message: 'No code here' })).reason).toBe('HiPay answered HTTP 400: No code here');
    expect(classifyErrorAnswer(400, json({ code: 4000000, message: 'M', description: '' })).reason).toBe('HiPay answered HTTP 400: 4000000 M');
  });

  test('a body that is not HiPay\'s: its text, cut at 120 characters, on one line', () => {
    expect(classifyErrorAnswer(502, '<html>\n  Bad   Gateway\n</html>').reason).toBe('HiPay answered HTTP 502: <html> Bad Gateway </html>');
    expect(classifyErrorAnswer(502, `${'x'.repeat(120)}`).reason).toBe(`HiPay answered HTTP 502: ${'x'.repeat(120)}`);
    expect(classifyErrorAnswer(502, `${'x'.repeat(121)}`).reason).toBe(`HiPay answered HTTP 502: ${'x'.repeat(120)}...`);
    expect(classifyErrorAnswer(502, ' \n ').reason).toBe('HiPay answered HTTP 502');
  });

  test("a configuration code's own hint comes after the description", () => {
    const r = classifyErrorAnswer(401, json({ code: 1000001, message: 'Incorrect Credentials', description: 'd' }));
    expect(r).toEqual({
      kind: 'refused',
      code: 1000001,
      httpStatus: 401,
      reason: 'HiPay answered HTTP 401: 1000001 Incorrect Credentials (d) - check HIPAY_LOGIN and HIPAY_PWD',
    });
  });

  test('a hash mismatch: the HIPAY_HASHKEY hint wins over the code\'s own, whatever the case of "hash"', () => {
    const r = classifyErrorAnswer(400, json({ code: 1010201, message: 'Invalid Parameter', description: 'The HASH does not match' }));
    expect(r.reason).toBe('HiPay answered HTTP 400: 1010201 Invalid Parameter (The HASH does not match) - check HIPAY_HASHKEY');
  });

  test('HIPAY_URL hint for a 404 and for 300 to 399 only', () => {
    const url = ' - check HIPAY_URL (or the host part of HIPAY_LOGIN)';
    expect(classifyErrorAnswer(404, '').reason).toBe(`HiPay answered HTTP 404${url}`);
    expect(classifyErrorAnswer(300, '').reason).toBe(`HiPay answered HTTP 300${url}`);
    expect(classifyErrorAnswer(399, '').reason).toBe(`HiPay answered HTTP 399${url}`);
    expect(classifyErrorAnswer(400, '').reason).toBe('HiPay answered HTTP 400');
    expect(classifyErrorAnswer(299, '').reason).toBe('HiPay answered HTTP 299');
    expect(classifyErrorAnswer(405, '').reason).toBe('HiPay answered HTTP 405');
    // An undocumented code has no hint of its own.
    expect(classifyErrorAnswer(500, json({ code: 9999999, message: 'x' })).reason).toBe('HiPay answered HTTP 500: 9999999 x');
  });
});

describe('money rule 5: only a configuration code is a refusal', () => {
  test('a configuration code sent as a string of digits is read as the code', () => {
    expect(classifyErrorAnswer(401, json({ code: '1000001', message: 'Incorrect Credentials' }))).toMatchObject({ kind: 'refused', code: 1000001, httpStatus: 401 });
  });

  test.each([
    ['a code with letters', { code: '1000001x', message: 'm' }],
    ['a code with a prefix', { code: 'x1000001', message: 'm' }],
    ['a code of another type', { code: true, message: 'm' }],
    ['a code in a list', { code: [1000001], message: 'm' }],
    ['an array', [{ code: 1000001 }]],
    ['null', null],
    ['a bare number', 1000001],
  ])('%s is no configuration code: retried, looked up first', (_what, body) => {
    expect(classifyErrorAnswer(401, json(body))).toMatchObject({ kind: 'retryable', outcomeUnknown: true });
  });

  test('an unlisted code (0) is no configuration code', () => {
    expect(classifyErrorAnswer(400, json({ code: 0, message: 'm' }))).toMatchObject({ kind: 'retryable' });
  });
});

describe("reading HiPay's error body", () => {
  test('code, message and description as HiPay sends them; anything of another type left out', () => {
    expect(errorBody({ code: '3010004', message: 'Duplicate Order', description: 'd' })).toEqual({ code: 3010004, message: 'Duplicate Order', description: 'd' });
    expect(errorBody({ code: 3010004, message: 7, description: 8 })).toEqual({ code: 3010004, message: undefined, description: undefined });
    expect(errorBody({ message: 'm' })).toEqual({ code: undefined, message: 'm', description: undefined });
    // Only a code made of digits alone is one: no NaN code in the operator's line.
    expect(errorBody({ code: '1000001x', message: 'm' })).toStrictEqual({ code: undefined, message: 'm', description: undefined });
    expect(errorBody({ code: 'x1000001', message: 'm' })).toStrictEqual({ code: undefined, message: 'm', description: undefined });
  });

  test('not an error body: no code and no message, an array, null, text', () => {
    expect(errorBody({ description: 'd' })).toBeUndefined();
    expect(errorBody({ code: 'abc', message: 5 })).toBeUndefined();
    expect(errorBody([{ code: 1 }])).toBeUndefined();
    expect(errorBody(null)).toBeUndefined();
    expect(errorBody('3010004')).toBeUndefined();
  });

  test('parseJson gives undefined for text that is not JSON, never throws', () => {
    expect(parseJson('{"a":1}')).toEqual({ a: 1 });
    expect(parseJson('<html>')).toBeUndefined();
  });

  test('a body without code is neither "already held" nor "unknown order"', () => {
    expect(isAlreadyHeld({ message: 'Duplicate Order' })).toBe(false);
    expect(isUnknownOrder({ message: 'Unknown Order' })).toBe(false);
    expect(isUnknownOrder(undefined)).toBe(false);
  });
});

describe('network failures: the line, and whether HiPay may have the order (money rule 5)', () => {
  const line = (code: string | undefined, detail = 'socket hang up') => classifyNetworkError(code, 'http://h', detail);

  test.each([
    ['ECONNABORTED', 'no answer in time', true],
    ['ETIMEDOUT', 'no answer in time', true],
    ['ERR_CANCELED', 'gave up waiting (delivery bound reached or outbox stopping)', true],
    ['ECONNREFUSED', 'connection refused', false],
    ['ENOTFOUND', 'host name not found', false],
    ['EAI_AGAIN', 'host name not found', false],
    ['EHOSTUNREACH', 'socket hang up', false],
    ['ENETUNREACH', 'socket hang up', false],
    ['ERR_INVALID_URL', 'socket hang up', false],
    ['ECONNRESET', 'socket hang up', true],
  ])('%s: "%s", outcome unknown %s', (code, what, unknown) => {
    expect(line(code)).toEqual({ kind: 'retryable', reason: `HiPay unreachable at http://h: ${what} (${code})`, outcomeUnknown: unknown });
  });

  test('no code: the detail on one line, or "network error"; no code in brackets', () => {
    expect(line(undefined, ' socket\n hang   up ')).toEqual({ kind: 'retryable', reason: 'HiPay unreachable at http://h: socket hang up', outcomeUnknown: true });
    expect(line(undefined, '')).toEqual({ kind: 'retryable', reason: 'HiPay unreachable at http://h: network error', outcomeUnknown: true });
    expect(line(undefined, 'd'.repeat(121)).reason).toBe(`HiPay unreachable at http://h: ${'d'.repeat(120)}...`);
  });
});

describe("HiPay's transaction in every documented form", () => {
  test('a numeric reference and status are read as text and number', () => {
    expect(parseTransaction({ transactionReference: 800000000001, state: 'completed', status: '118', message: 'Captured' })).toEqual({
      transactionReference: '800000000001',
      state: 'completed',
      status: 118,
      message: 'Captured',
    });
  });

  test('what is missing or of another type: state "unknown", no status, no message', () => {
    expect(parseTransaction({ transactionReference: '800000000001', state: 5, status: '11x', message: 3 })).toEqual({
      transactionReference: '800000000001',
      state: 'unknown',
      status: undefined,
      message: undefined,
    });
    expect(parseTransaction({ transactionReference: '800000000001', status: 'x118' })!.status).toBeUndefined();
    expect(parseTransaction({ transactionReference: '800000000001', status: null })!.status).toBeUndefined();
    expect(parseTransaction({ transactionReference: '800000000001', status: ['118'] })!.status).toBeUndefined();
  });

  test('no transaction without a reference made only of digits', () => {
    for (const transactionReference of ['80000x', 'x80000', '', true, null, undefined, ['800000000001']]) {
      expect(parseTransaction({ transactionReference, state: 'completed' })).toBeUndefined();
    }
    expect(parseTransaction(null)).toBeUndefined();
    expect(parseTransaction('800000000001')).toBeUndefined();
  });

  test('an index-keyed list is read in numeric order (2 before 10), not in text order', () => {
    const tx = (ref: string) => ({ transactionReference: ref, state: 'completed' });
    const list = parseTransactionList({ transaction: { '10': tx('10'), '2': tx('2'), '1': tx('1') } });
    expect(list.map((t) => t.transactionReference)).toEqual(['1', '2', '10']);
    // An index spelt with a leading zero still sorts as its number.
    const padded = parseTransactionList({ transaction: { '2': tx('2'), '01': tx('1') } });
    expect(padded.map((t) => t.transactionReference)).toEqual(['1', '2']);
  });

  test('an object with one key that is not an index is one transaction, not a list; an empty one is none', () => {
    expect(parseTransactionList({ transaction: { '0': { transactionReference: '1', state: 'completed' }, x: 1 } })).toEqual([]);
    expect(parseTransactionList({ transaction: { '0x': { transactionReference: '1' } } })).toEqual([]);
    expect(parseTransactionList({ transaction: { x0: { transactionReference: '1' } } })).toEqual([]);
    expect(parseTransactionList({ transaction: {} })).toEqual([]);
    expect(parseTransactionList({})).toEqual([]);
    expect(parseTransactionList(null)).toEqual([]);
  });

  test('a bare array of transactions, and a "transaction" key inside an array is not looked for', () => {
    const tx = { transactionReference: '5', state: 'completed' };
    // toStrictEqual: toEqual would let an undefined item through.
    expect(parseTransactionList([tx, { state: 'x' }])).toStrictEqual([{ transactionReference: '5', state: 'completed', status: undefined, message: undefined }]);
  });
});
