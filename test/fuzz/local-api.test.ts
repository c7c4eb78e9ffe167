/**
 * Fuzzing the local API of ONE real running connector (supervisor, tp-manager, the simulator on a pty, the
 * HiPay sandbox): random methods, paths, credentials, content types and encodings, and bodies (JSON and form,
 * near-valid orders and anything at all). Properties, for every request:
 *   - never a 5xx (but the documented 501 of /reset, /config, /tlc), never a stack trace in the body;
 *   - every error body is [{"error": string}];
 *   - a request the connector refuses (4xx) never reaches the terminal (its request log does not grow).
 * (packages/supervisor/test/http/order-property.test.ts checks the validation rules in process with a fake
 * service; this runs against the real processes and the whole request, headers included.)
 */
import * as zlib from 'node:zlib';
import fc from 'fast-check';
import { ConnectorUnderTest, LOGIN, PASSWORD } from '../../test-support/connector';
import { rawRequest, type RawAnswer, type RawRequest } from '../../test-support/raw-http';

const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
const VALID_AUTH = basic(LOGIN, PASSWORD);

/** Header-safe text (node:http refuses control characters in header values). */
const headerText = (maxLength: number) => fc.stringMatching(new RegExp(`^[ -~]{0,${maxLength}}$`));

const authArb = fc.oneof(
  { arbitrary: fc.constant<string | undefined>(VALID_AUTH), weight: 8 },
  fc.constantFrom<string | undefined>(
    undefined,
    '',
    'Basic',
    'Basic ',
    basic(LOGIN, 'wrong'),
    basic('', ''),
    basic(LOGIN.toUpperCase(), PASSWORD),
    `basic ${Buffer.from(`${LOGIN}:${PASSWORD}`).toString('base64')}`,
    `Basic  ${Buffer.from(`${LOGIN}:${PASSWORD}`).toString('base64')}`,
    `${VALID_AUTH} trailing`,
    `Basic ${Buffer.from(LOGIN).toString('base64')}`,
    'Basic !!!not-base64!!!',
    'Bearer eyJhbGciOiJIUzI1NiJ9.e30.x',
    'Digest username="kiosk"',
    `Basic ${'QUFB'.repeat(2000)}`,
  ),
  fc.string({ maxLength: 40 }).map((s) => `Basic ${Buffer.from(s).toString('base64')}`),
  headerText(60),
);

const contentTypeArb = fc.oneof(
  { arbitrary: fc.constantFrom('application/json', 'application/x-www-form-urlencoded'), weight: 6 },
  fc.constantFrom(
    'application/json; charset=utf-8',
    'application/json; charset=utf-16',
    'application/json; charset=latin1',
    'application/json;;;',
    'application/vnd.kiosk+json',
    'application/x-www-form-urlencoded; charset=iso-8859-1',
    'text/plain',
    'text/html',
    'multipart/form-data; boundary=----x',
    'application/xml',
    '*/*',
    '',
  ),
  headerText(40),
);

/**
 * Content-Encoding: none, a label with nothing to undo or one the connector cannot undo, or a body really
 * compressed. (A body that claims gzip but is not compressed is the known 500 at the end of this file.)
 */
type Encoding = { label?: string; compress?: (body: Buffer) => Buffer };
const encodingArb: fc.Arbitrary<Encoding> = fc.oneof(
  { arbitrary: fc.constant({}), weight: 12 },
  fc.constantFrom<Encoding>(
    { label: 'identity' },
    { label: 'x-unknown' },
    { label: 'gzip, gzip' },
    { label: 'gzip', compress: (b) => zlib.gzipSync(b) },
    { label: 'deflate', compress: (b) => zlib.deflateSync(b) },
    { label: 'br', compress: (b) => zlib.brotliCompressSync(b) },
  ),
);

const anyJson = fc.jsonValue({ maxDepth: 3 });
/** Mostly a valid value, sometimes another: each order is then near the border the rules draw. */
const mostly = <T, U>(valid: fc.Arbitrary<T>, other: fc.Arbitrary<U>) => fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: other, weight: 1 });

const nearOrder = fc.record(
  {
    amount: mostly(fc.integer({ min: 1, max: 99_999_999 }), fc.constantFrom(0, -1, 9.99, 1e9, '100', '', null, true, [100], { value: 1 })),
    // Valid ids stay inside HiPay's 32 characters; the invalid ones include 33, the first length refused.
    orderId: mostly(fc.uuid().map((u) => `Fz_${u.replace(/-/g, '').slice(0, 29)}`), fc.oneof(fc.constantFrom('', ' x', 'x ', 'x'.repeat(33), 'x'.repeat(65), 'é', 'a\u0000b', 'a b', 42, null), fc.string({ maxLength: 70 }))),
    currency: mostly(fc.constantFrom('EUR', 'JPY', 'KWD', 'USD'), fc.constantFrom('eur', 'XXX', 'ABC', '', 978, null)),
    basket: mostly(fc.array(fc.record({ name: fc.string({ maxLength: 10 }), quantity: fc.integer({ min: 0, max: 3 }), total_amount: fc.double({ min: 0, max: 100, noNaN: true }) }, { requiredKeys: [] }), { maxLength: 2 }), anyJson),
    customer: mostly(fc.record({ id: fc.oneof(fc.integer(), fc.string({ maxLength: 10 })), email: fc.constantFrom('johnDoe@test.com', 'a@b') }, { requiredKeys: [] }), anyJson),
    customData: mostly(fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean()), { maxKeys: 3 }), anyJson),
    extra: anyJson,
  },
  { requiredKeys: [] },
);

const FORM_KEYS = ['amount', 'orderId', 'currency', 'basket', 'basket[0][name]', 'basket[0][quantity]', 'customer[id]', 'customer[email]', 'customData[shop]', 'customData[a][b]', 'amount[]', '__proto__[x]', 'constructor[prototype][y]', '{"amount":100}'];
const formPairArb = fc.tuple(
  fc.oneof(fc.constantFrom(...FORM_KEYS), fc.string({ maxLength: 10 })),
  fc.oneof(fc.constantFrom('100', '450', '9.99', '', 'EUR', '{"shop":"Opera"}', '[{"name":"x"}]', '{'), fc.string({ maxLength: 20 })),
);
const formArb = fc.tuple(fc.array(formPairArb, { maxLength: 8 }), fc.uuid()).map(([pairs, id]) => {
  const form = new URLSearchParams(pairs);
  // A fresh orderId unless the pairs chose one: a form order is a new order, not the stored answer of another.
  if (!form.has('orderId')) form.append('orderId', `Ff_${id.replace(/-/g, '').slice(0, 29)}`);
  return form.toString();
});

const bodyArb: fc.Arbitrary<string | Buffer | undefined> = fc.oneof(
  fc.constant(undefined),
  nearOrder.map((o) => JSON.stringify(o)),
  anyJson.map((v) => JSON.stringify(v)),
  formArb,
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
);

const KNOWN_PATHS = ['/order', '/order/Order_fuzz_known', '/cancel', '/version', '/config', '/tlc', '/reset', '/check', '/health', '/openapi.json', '/stop'];
const ODD_PATHS = [
  '/', '/order/', '/ORDER', '//order', '/order?amount=100', '/order/%20', '/order/%00', '/order/a%2Fb', '/check/%', '/%E0',
  `/order/${'x'.repeat(300)}`, '/order/..%2F..%2Fetc%2Fpasswd', '/check?cr=1', '/favicon.ico', '/openapi.json/', '/order/%C3%A9', '/order/a/b',
];

const pathArb = fc
  .oneof(
    { arbitrary: fc.constantFrom(...KNOWN_PATHS), weight: 6 },
    fc.constantFrom(...ODD_PATHS),
    fc.array(fc.string({ maxLength: 12 }), { minLength: 1, maxLength: 3 }).map((segments) => '/' + segments.map(encodeURIComponent).join('/')),
    fc.stringMatching(/^\/[!-~]{0,40}$/),
  );

const methodArb = fc.oneof(
  { arbitrary: fc.constantFrom('GET', 'POST'), weight: 6 },
  fc.constantFrom('PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'PROPFIND'),
);

function toRequest(method: string, path: string, auth: string | undefined, contentType: string | undefined, encoding: Encoding, text: string | Buffer | undefined): RawRequest {
  // GET /stop with good credentials would stop tp-manager for the rest of the run: ask it with POST instead.
  const safeMethod = /stop/i.test(path) && (method === 'GET' || method === 'HEAD') ? 'POST' : method;
  const headers: Record<string, string> = {};
  if (auth !== undefined) headers.authorization = auth;
  if (contentType !== undefined) headers['content-type'] = contentType;
  if (encoding.label !== undefined) headers['content-encoding'] = encoding.label;
  // A compressed body always has compressed bytes, even when empty (a false claim has its own test below).
  const body = encoding.compress ? encoding.compress(Buffer.from(text ?? '')) : text;
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  return { method: safeMethod, path, headers, body };
}

/** Anything at all: every route, method, header and body. */
const anyRequestArb = fc
  .record({ method: methodArb, path: pathArb, auth: authArb, contentType: fc.option(contentTypeArb, { nil: undefined }), encoding: encodingArb, body: bodyArb })
  .map(({ method, path, auth, contentType, encoding, body }) => toRequest(method, path, auth, contentType, encoding, body));

/** What a kiosk sends, slightly wrong in places: POST /order with an order body, so the border of validity is crossed often. */
const orderRequestArb = fc
  .record({
    auth: mostly(fc.constant(VALID_AUTH), authArb),
    json: fc.boolean(),
    order: nearOrder,
    form: formArb,
    contentType: mostly(fc.constant(undefined), contentTypeArb), // undefined: the type that fits the body
    encoding: mostly(fc.constant<Encoding>({}), encodingArb),
  })
  .map(({ auth, json, order, form, contentType, encoding }) =>
    toRequest('POST', '/order', auth, contentType ?? (json ? 'application/json' : 'application/x-www-form-urlencoded'), encoding, json ? JSON.stringify(order) : form),
  );

const requestArb = fc.oneof(orderRequestArb, anyRequestArb);

const STACK_TRACE = /\n\s+at |\bat \S+ \(.*:\d+:\d+\)|node_modules|\.ts:\d+|\.js:\d+/;

function isErrorBody(text: string): boolean {
  try {
    const body = JSON.parse(text) as unknown;
    return Array.isArray(body) && body.length === 1 && typeof body[0] === 'object' && body[0] !== null &&
      Object.keys(body[0]).length === 1 && typeof (body[0] as { error?: unknown }).error === 'string';
  } catch {
    return false;
  }
}

const describeRequest = (r: RawRequest, a: RawAnswer) =>
  `${r.method} ${r.path} ${JSON.stringify(r.headers)} body ${JSON.stringify(r.body?.toString().slice(0, 200))} -> ${a.status} ${a.text.slice(0, 300)}`;

describe('the local API of one running connector, fuzzed', () => {
  let connector: ConnectorUnderTest;

  beforeAll(async () => {
    connector = await ConnectorUnderTest.start({ protocol: 'concert-v3', delayMs: 0 });
  }, 60_000);

  afterAll(async () => {
    await connector?.close();
  });

  test('never a 5xx or a stack trace; errors are [{"error": string}]; a refused request never reaches the terminal', async () => {
    const seen = { paid: 0, refused: 0, statuses: new Map<number, number>() };
    await fc.assert(
      fc.asyncProperty(requestArb, async (request) => {
        const before = connector.terminalRequests().length;
        const answer = await rawRequest(connector.url, request);
        const reached = connector.terminalRequests().length - before;
        seen.statuses.set(answer.status, (seen.statuses.get(answer.status) ?? 0) + 1);
        const what = describeRequest(request, answer);
        // 501 is the contract's answer for a call the terminal protocol lacks (design.md, "Errors"; Concert has no abort, so /cancel too).
        const documented501 = answer.status === 501 && /^\/(reset|config|tlc|cancel)\b/i.test(request.path);
        if (answer.status >= 500 && !documented501) throw new Error(`5xx: ${what}`);
        if (STACK_TRACE.test(answer.text)) throw new Error(`stack trace in the body: ${what}`);
        if (answer.status >= 400) {
          if (request.method !== 'HEAD' && !isErrorBody(answer.text)) throw new Error(`error body is not [{"error": string}]: ${what}`);
          if (reached !== 0) throw new Error(`a refused request reached the terminal: ${what}`);
          seen.refused += 1;
        } else if (reached > 0) {
          if (reached > 1) throw new Error(`one request, ${reached} payments: ${what}`);
          seen.paid += 1;
        }
      }),
      { numRuns: 500, interruptAfterTimeLimit: 45_000 },
    );
    console.log(`[fuzz] local API: ${seen.paid} payments, ${seen.refused} refused; statuses ${JSON.stringify(Object.fromEntries(seen.statuses))}`);
    // Both sides of the border were exercised.
    expect(seen.paid).toBeGreaterThan(30);
    expect(seen.refused).toBeGreaterThan(100);
  }, 60_000);

  // Once a 500: the router's URIError carries status 400 but no body-parser `type` (fixed in http/errors.ts).
  test('GET /order/%E0%A4%A, /order/%, /order/%ZZ: 400 [{"error": ...}], not 500', async () => {
    for (const path of ['/order/%E0%A4%A', '/order/%', '/order/%ZZ']) {
      const answer = await rawRequest(connector.url, { method: 'GET', path, headers: { authorization: VALID_AUTH } });
      expect({ path, status: answer.status, errorBody: isErrorBody(answer.text) }).toEqual({ path, status: 400, errorBody: true });
    }
  });

  // Once a 500, same cause: a body that claims a compression it does not have fails in zlib with status 400.
  test('POST /order with Content-Encoding gzip, deflate or br and a plain (or empty) body: 400 [{"error": ...}], not 500', async () => {
    const before = connector.terminalRequests().length;
    for (const encoding of ['gzip', 'deflate', 'br']) {
      for (const body of [JSON.stringify({ amount: 100, orderId: `Order_fake_${encoding}` }), '']) {
        const answer = await rawRequest(connector.url, {
          method: 'POST',
          path: '/order',
          headers: { authorization: VALID_AUTH, 'content-type': 'application/json', 'content-encoding': encoding, 'transfer-encoding': 'chunked' },
          body,
        });
        expect({ encoding, body, status: answer.status, errorBody: isErrorBody(answer.text) }).toEqual({ encoding, body, status: 400, errorBody: true });
      }
    }
    expect(connector.terminalRequests()).toHaveLength(before);
  });
});
