import { classifyErrorAnswer, classifyNetworkError, isAlreadyHeld, isUnknownOrder, parseTransactionList } from '../../src/hipay/classify';

const body = (code: number, message: string, description = 'd'): string => JSON.stringify({ code, message, description });

describe('classifyErrorAnswer', () => {
  it.each([
    [401, 1000001, 'Incorrect Credentials', 'HIPAY_LOGIN and HIPAY_PWD'],
    [403, 1000005, 'Insufficient Permissions', 'private API credentials'],
    [403, 1000009, 'IP Restriction', 'IP address'],
    [400, 1010101, 'Required Parameter Missing', ''],
    [400, 1010201, 'Invalid Parameter', ''],
  ])('HTTP %i / %i is a permanent refusal naming the code and message', (status, code, message, hint) => {
    const r = classifyErrorAnswer(status, body(code, message));
    expect(r).toMatchObject({ kind: 'refused', code, httpStatus: status });
    expect(r.reason).toContain(`${code} ${message}`);
    expect(r.reason).toContain(hint);
    expect(r.reason).not.toMatch(/\n/);
  });

  it('money rule 5: 1000008 is retried, looked up first (HiPay says both "try again later" and "retry possible: no")', () => {
    expect(classifyErrorAnswer(503, body(1000008, 'Temporarily Unavailable'))).toMatchObject({ kind: 'retryable', outcomeUnknown: true });
  });

  it.each([
    [400, 3000001, 'Unknown Order'],
    [400, 4010202, 'Some decline'],
    [403, 9999999, 'Undocumented'],
    [400, undefined, undefined],
  ])('money rule 5: HTTP %i / %s (not a configuration problem) is retried, never refused', (status, code, message) => {
    const text = code === undefined ? 'Bad Request' : body(code, message!);
    expect(classifyErrorAnswer(status, text)).toMatchObject({ kind: 'retryable', outcomeUnknown: true });
  });

  it('a bare 5xx is retryable with an unknown outcome', () => {
    expect(classifyErrorAnswer(502, '<html>Bad Gateway</html>')).toMatchObject({ kind: 'retryable', outcomeUnknown: true });
    expect(classifyErrorAnswer(500, '')).toMatchObject({ kind: 'retryable', reason: 'HiPay answered HTTP 500' });
  });

  it('a 404 or a redirect is retried with a hint at HIPAY_URL', () => {
    expect(classifyErrorAnswer(404, 'Not Found')).toMatchObject({ kind: 'retryable', reason: expect.stringContaining('HIPAY_URL') });
    expect(classifyErrorAnswer(301, '')).toMatchObject({ kind: 'retryable', reason: expect.stringContaining('HIPAY_URL') });
  });

  it('a hash mismatch points at HIPAY_HASHKEY', () => {
    const r = classifyErrorAnswer(400, body(1010201, 'Invalid Parameter', "The parameter 'payment_product_parameters.hash' does not match"));
    expect(r.reason).toContain('HIPAY_HASHKEY');
  });
});

describe("HiPay's documented codes, whatever the words (issue 10, cases 3 and 4)", () => {
  it('3010004, 3010006 and 3010003 mean HiPay holds the order; the invented words "already exists" do not', () => {
    for (const code of [3010004, 3010006, 3010003]) expect(isAlreadyHeld({ code, message: 'x' })).toBe(true);
    expect(isAlreadyHeld({ code: 1010201, message: 'Order already exists' })).toBe(false);
    expect(isAlreadyHeld(undefined)).toBe(false);
  });

  it('3000001 and 3000002 mean unknown order / transaction', () => {
    expect(isUnknownOrder({ code: 3000001 })).toBe(true);
    expect(isUnknownOrder({ code: 3000002 })).toBe(true);
    expect(isUnknownOrder({ code: 1000001 })).toBe(false);
  });
});

describe('classifyNetworkError', () => {
  it('connection refused: HiPay cannot have the order', () => {
    expect(classifyNetworkError('ECONNREFUSED', 'http://h', 'x')).toEqual({
      kind: 'retryable',
      reason: 'HiPay unreachable at http://h: connection refused (ECONNREFUSED)',
      outcomeUnknown: false,
    });
  });

  it.each(['ECONNABORTED', 'ERR_CANCELED', 'ECONNRESET', undefined])('%s: HiPay may have the order', (code) => {
    expect(classifyNetworkError(code, 'http://h', 'socket hang up').outcomeUnknown).toBe(true);
  });
});

describe('parseTransactionList', () => {
  const tx = { transactionReference: '800000000001', state: 'completed', status: 118, message: 'Captured' };
  it('reads {"transaction": {...}}, {"transaction": [...]}, a bare object and an array', () => {
    const want = [{ transactionReference: '800000000001', state: 'completed', status: 118, message: 'Captured' }];
    expect(parseTransactionList({ transaction: tx })).toEqual(want);
    expect(parseTransactionList({ transaction: [tx] })).toEqual(want);
    expect(parseTransactionList(tx)).toEqual(want);
    expect(parseTransactionList([tx])).toEqual(want);
  });

  it('issue 10 case 5: reads a list keyed by index, {"transaction": {"0": {...}, "1": {...}}}, in index order', () => {
    const other = { ...tx, transactionReference: '800000000002', state: 'declined' };
    expect(parseTransactionList({ transaction: { '1': other, '0': tx } }).map((t) => t.transactionReference)).toEqual(['800000000001', '800000000002']);
    expect(parseTransactionList({ '0': tx })).toHaveLength(1);
  });

  it('ignores anything without a numeric transactionReference', () => {
    expect(parseTransactionList({ transaction: [] })).toEqual([]);
    expect(parseTransactionList({ transaction: { state: 'completed' } })).toEqual([]);
    expect(parseTransactionList('nonsense')).toEqual([]);
  });
});
