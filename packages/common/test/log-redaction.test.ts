import fc from 'fast-check';
import { createRedactor } from '../src/log-redaction';
import { luhnValid } from '@ecr/protocol';

const redactor = createRedactor(['Test_XXXXXXXXXXXXXXXXXXXXXXXX', 'p@ss word']);

describe('text', () => {
  test.each([
    ['card 4111111111111111 approved', 'card 411111XXXXXX1111 approved'],
    ['card 4111 1111 1111 1111 approved', 'card 411111XXXXXX1111 approved'],
    ['card 4111-1111-1111-1111 approved', 'card 411111XXXXXX1111 approved'],
    ['amex 3782 822463 10005', 'amex 378282XXXXX0005'],
    ['login failed for Test_XXXXXXXXXXXXXXXXXXXXXXXX', 'login failed for ***'],
    ['form pwd=p%40ss%20word&x=1', 'form pwd=***&x=1'],
    ['json {"secret":"p@ss word"}', 'json {"secret":"***"}'],
    ['Authorization: Basic bG9nOnB3ZA==', 'Authorization: Basic ***'],
    ['{"authorization":"Bearer abc.def"}', '{"authorization":"Bearer ***"}'],
    ['sent Basic bG9nOnB3ZA== to HiPay', 'sent Basic *** to HiPay'],
    ['HIPAY_PWD=hunter2 TERMINAL_MANAGER_PWD: hunter3', 'HIPAY_PWD=*** TERMINAL_MANAGER_PWD: ***'],
    ['hashkey = abc123', 'hashkey = ***'],
  ])('%s', (input, expected) => {
    expect(redactor.text(input)).toBe(expected);
  });

  test.each([
    'order 1234567890123 of 13 digits that fail Luhn',
    'Basic authentication is required',
    'TERMINAL_MANAGER_PWD is empty: expected a password',
    'amount=899 currency=978 orderId=Order_12345',
    '2026-11-27T10:00:00.000Z',
  ])('leaves alone: %s', (input) => {
    expect(redactor.text(input)).toBe(input);
  });

  test('a Luhn-valid card number anywhere in a text shows its first 6 and last 4 digits and nothing between (property)', () => {
    // Middle digits 5 to 9, the others 0 to 4: a run of 5 middle digits in the output can only be the card's.
    const low = (n: number) => fc.array(fc.integer({ min: 0, max: 4 }), { minLength: n, maxLength: n }).map((d) => d.join(''));
    const pan = fc
      .tuple(low(6), fc.array(fc.integer({ min: 5, max: 9 }), { minLength: 3, maxLength: 9 }), low(3))
      .map(([head, middle, tail]) => {
        const body = head + middle.join('') + tail;
        for (let check = 0; check <= 9; check++) if (luhnValid(body + check)) return body + check;
        throw new Error('unreachable');
      });
    const around = fc.string().map((s) => s.replace(/\d/g, 'x'));
    fc.assert(
      fc.property(around, pan, around, (before, p, after) => {
        const out = redactor.text(`${before} ${p} ${after}`);
        // The exact masked form: redaction left the rest alone (secrets and tokens aside, which hold no digit).
        expect(out).toContain(` ${p.slice(0, 6)}${'X'.repeat(p.length - 10)}${p.slice(-4)} `);
        const middle = p.slice(6, -4);
        for (let i = 0; i + 5 <= middle.length; i++) expect(out).not.toContain(middle.slice(i, i + 5));
      }),
      { numRuns: 300 },
    );
  });

  test("a real Telium's zero-padded report (pyTeliumManager README) shows the first 6 and only last digits", () => {
    const report = '4711690463168807'.padEnd(55, '0');
    expect(redactor.text(`V2 report ${report}`)).toBe(`V2 report 471169XXXXXXXX07XX${'0'.repeat(37)}`);
  });
});

describe('values', () => {
  test('nested objects and arrays, keys naming secrets, card numbers as numbers', () => {
    const input = {
      orderId: 'A1',
      card: { pan: '5500000000000004', expiry: '2812' },
      headers: { Authorization: 'Basic bG9nOnB3ZA==', 'Content-Type': 'application/json' },
      list: ['4111111111111111', 42, null, true],
      config: { terminalManagerPwd: 'x', HIPAY_HASHKEY: 'y', password: 12345, pwd: '' },
      numericPan: 4111111111111111,
    };
    expect(redactor.value(input)).toEqual({
      orderId: 'A1',
      card: { pan: '550000XXXXXX0004', expiry: '2812' },
      headers: { Authorization: '***', 'Content-Type': 'application/json' },
      list: ['411111XXXXXX1111', 42, null, true],
      config: { terminalManagerPwd: '***', HIPAY_HASHKEY: '***', password: '***', pwd: '' },
      numericPan: '411111XXXXXX1111',
    });
  });

  test("the caller's objects are not changed", () => {
    const input = { nested: { pan: '4111111111111111' } };
    redactor.value(input);
    expect(input.nested.pan).toBe('4111111111111111');
  });

  test('errors keep their message and stack, redacted', () => {
    const err = Object.assign(new Error('declined 4111111111111111'), { code: 'E42' });
    const out = redactor.value(err) as Record<string, unknown>;
    expect(out.message).toBe('declined 411111XXXXXX1111');
    expect(out.code).toBe('E42');
    expect(String(out.stack)).toContain('declined 411111XXXXXX1111');
    expect(String(out.stack)).not.toContain('4111111111111111');
  });

  test('cycles, maps, sets, dates, bigints and functions become plain data', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const shared = { v: 1 };
    const out = redactor.value({
      cyclic,
      twice: [shared, shared],
      map: new Map([['pan', '4111111111111111']]),
      set: new Set(['a']),
      at: new Date('2026-11-27T10:00:00.000Z'),
      big: 10n,
      fn: () => 1,
    });
    expect(out).toEqual({
      cyclic: { name: 'loop', self: '[Circular]' },
      twice: [{ v: 1 }, { v: 1 }],
      map: { pan: '411111XXXXXX1111' },
      set: ['a'],
      at: '2026-11-27T10:00:00.000Z',
      big: '10',
    });
    expect(() => JSON.stringify(out)).not.toThrow();
  });
});

describe('very short secrets', () => {
  const short = createRedactor(['x']);

  test('do not mask their letters in every word of a line', () => {
    expect(short.text('read config.txt at start')).toBe('read config.txt at start');
  });

  test('are still masked under a key that names a secret', () => {
    expect(short.value({ password: 'x' })).toEqual({ password: expect.not.stringContaining('x') });
    expect(short.text('HIPAY_PWD=x')).not.toMatch(/=x$/);
  });
});
