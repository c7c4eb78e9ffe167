import { backoffDelay } from '../../src/hipay';
import { classifyErrorAnswer, classifyNetworkError, isDuplicateOrder, parseTransactionList } from '../../src/hipay/classify';

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

  it('1000008 is retryable and HiPay did not take the order', () => {
    expect(classifyErrorAnswer(503, body(1000008, 'Temporarily Unavailable'))).toMatchObject({ kind: 'retryable', outcomeUnknown: false });
  });

  it('a bare 5xx is retryable with an unknown outcome', () => {
    expect(classifyErrorAnswer(502, '<html>Bad Gateway</html>')).toMatchObject({ kind: 'retryable', outcomeUnknown: true });
    expect(classifyErrorAnswer(500, '')).toMatchObject({ kind: 'retryable', reason: 'HiPay answered HTTP 500' });
  });

  it('a 404 or a redirect is refused with a hint at HIPAY_URL', () => {
    expect(classifyErrorAnswer(404, 'Not Found')).toMatchObject({ kind: 'refused', reason: expect.stringContaining('HIPAY_URL') });
    expect(classifyErrorAnswer(301, '')).toMatchObject({ kind: 'refused', reason: expect.stringContaining('HIPAY_URL') });
  });

  it('a hash mismatch points at HIPAY_HASHKEY', () => {
    const r = classifyErrorAnswer(400, body(1010201, 'Invalid Parameter', "The parameter 'payment_product_parameters.hash' does not match"));
    expect(r.reason).toContain('HIPAY_HASHKEY');
  });
});

describe('isDuplicateOrder', () => {
  it('recognises "Order already exists" and nothing else', () => {
    expect(isDuplicateOrder(400, { code: 1010201, message: 'Order already exists' })).toBe(true);
    expect(isDuplicateOrder(400, { code: 1010201, message: 'Invalid Parameter', description: 'amount' })).toBe(false);
    expect(isDuplicateOrder(401, { code: 1000001, message: 'Order already exists' })).toBe(false);
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

  it('ignores anything without a numeric transactionReference', () => {
    expect(parseTransactionList({ transaction: [] })).toEqual([]);
    expect(parseTransactionList({ transaction: { state: 'completed' } })).toEqual([]);
    expect(parseTransactionList('nonsense')).toEqual([]);
  });
});
