/**
 * The served description cannot drift: each route's real answer (success and errors) is validated against the
 * response schema GET /openapi.json serves, with an Ajv of the test's own.
 */
import Ajv2020 from 'ajv/dist/2020';
import { ConnectorError, RECEIPT_KEYS } from '@ecr/common';
import { fixedMetrics, seedExample, startApp, successFor, type Answer, type TestApp } from './helpers';

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>;
  components: { schemas: Record<string, { required?: string[] }>; securitySchemes: Record<string, unknown> };
  security: unknown;
};

let t: TestApp;
let doc: Doc;
let ajv: Ajv2020;
const validated = new Set<string>();

beforeAll(async () => {
  t = await startApp({ metrics: fixedMetrics() });
  const answer = await t.request('/openapi.json');
  expect(answer.status).toBe(200);
  doc = answer.body as Doc;
  // strict: false because an OpenAPI document holds keys that are not JSON Schema keywords.
  ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema(doc as object, 'served');
});
afterAll(async () => {
  await t.close();
});
beforeEach(() => {
  jest.clearAllMocks();
});

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/** Validates a real answer against the schema the description gives for its path, method and status. */
function expectDescribed(path: string, method: string, answer: Answer): void {
  const response = doc.paths[path]?.[method]?.responses[String(answer.status)];
  expect(response).toBeDefined();
  // The answer's media type must be one the description gives (application/json, or text/plain for /metrics).
  const contentType = answer.headers.get('content-type') ?? '';
  const mediaType = Object.keys(response!.content ?? {}).find((m) => contentType.startsWith(m));
  if (mediaType === undefined) throw new Error(`${method.toUpperCase()} ${path} ${answer.status} answers ${contentType}, which the description does not give`);
  const validate = ajv.compile({ $ref: `served#/${pointer('paths', path, method, 'responses', String(answer.status), 'content', mediaType, 'schema')}` });
  const ok = validate(answer.body);
  if (!ok) throw new Error(`${method.toUpperCase()} ${path} ${answer.status} does not match the description: ${ajv.errorsText(validate.errors)}\n${answer.text}`);
  validated.add(`${method} ${path} ${answer.status}`);
}

test('the description is OpenAPI 3.1 with Basic auth on everything', () => {
  expect(doc.openapi).toBe('3.1.0');
  expect(doc.components.securitySchemes).toEqual({ basicAuth: { type: 'http', scheme: 'basic' } });
  expect(doc.security).toEqual([{ basicAuth: [] }]);
});

test('it names every route of the API, and the contract\'s response schemas', () => {
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
  expect(operations.sort()).toEqual(
    [
      'POST /order',
      'GET /order/{orderId}',
      'GET /cancel',
      'GET /stop',
      'GET /reset',
      'GET /version',
      'GET /config',
      'GET /tlc',
      'GET /check',
      'GET /health',
      'GET /metrics',
      'GET /openapi.json',
    ].sort(),
  );
  for (const name of ['OrderQuery', 'OrderResponse', 'Receipt', 'VersionResponse', 'ConfigResponse', 'TlcResponse', 'CheckResponse', 'ErrorResponse']) {
    expect(doc.components.schemas[name]).toBeDefined();
  }
  expect(doc.components.schemas.Receipt.required).toEqual(RECEIPT_KEYS);
});

test('the request schema it serves is the one that validates: the seed passes, 9.99 does not', () => {
  const validate = ajv.compile({ $ref: 'served#/components/schemas/OrderQuery' });
  expect(validate(seedExample())).toBe(true);
  expect(validate({ ...seedExample(), amount: 9.99 })).toBe(false);
  expect(validate({ ...seedExample(), currency: 'XYZ' })).toBe(false);
});

test("money rule 5: the served description holds orderId to HiPay's 32 characters and says so; a mangled e-mail still validates", () => {
  const validate = ajv.compile({ $ref: 'served#/components/schemas/OrderQuery' });
  expect(validate({ ...seedExample(), orderId: 'x'.repeat(32) })).toBe(true);
  expect(validate({ ...seedExample(), orderId: 'x'.repeat(33) })).toBe(false);
  expect(validate({ ...seedExample(), orderId: 'Order 12345' })).toBe(false);
  expect(validate({ ...seedExample(), customer: { email: '[email protected]' } })).toBe(true);
  const orderId = (doc.components.schemas.OrderQuery as { properties: Record<string, { description: string; maxLength: number }> }).properties.orderId;
  expect(orderId.maxLength).toBe(32);
  expect(orderId.description).toMatch(/at most 32 characters \(HiPay's limit for an orderid\) of letters, digits, "_", "-" and "\."/);
});

describe('real answers match the served response schemas', () => {
  test('POST /order: 200, and the errors it documents', async () => {
    expectDescribed('/order', 'post', await t.request('/order', { json: seedExample() }));
    t.service.order.mockImplementationOnce(async (o) => ({ ...successFor(o), status: 'Failure', error: 'declined by the card issuer', receipt: null, ticket: null, basket: undefined }));
    expectDescribed('/order', 'post', await t.request('/order', { json: { amount: 100 } }));
    expectDescribed('/order', 'post', await t.request('/order', { json: { amount: 9.99 } }));
    expectDescribed('/order', 'post', await t.request('/order', { json: seedExample(), auth: null }));
    expectDescribed('/order', 'post', await t.request('/order', { raw: { body: 'x', contentType: 'text/plain' } }));
    expectDescribed('/order', 'post', await t.request('/order', { json: { amount: 1, pad: 'x'.repeat(1_100_000) } }));
    for (const code of ['busy', 'terminal-timeout', 'unsupported', 'internal'] as const) {
      t.service.order.mockRejectedValueOnce(new ConnectorError(code, `a ${code} error`));
      expectDescribed('/order', 'post', await t.request('/order', { json: seedExample() }));
    }
    expect([...validated].filter((v) => v.startsWith('post /order ')).sort()).toEqual(
      ['200', '400', '401', '409', '413', '415', '500', '501', '599'].map((s) => `post /order ${s}`),
    );
  });

  test('GET /order/{orderId}: done, in progress, unknown, impossible', async () => {
    const order = { orderId: 'Order_12345', amount: 100, currency: { alpha: 'EUR', numeric: '978', exponent: 2 } };
    t.service.getOrder.mockResolvedValueOnce({ response: successFor(order), state: 'done', hipay: { state: 'delivered', attempts: 1, transactionReference: '800000000001' } });
    expectDescribed('/order/{orderId}', 'get', await t.request('/order/Order_12345'));
    t.service.getOrder.mockResolvedValueOnce({ response: null, state: 'in-progress', hipay: { state: 'not-needed', attempts: 0 } });
    expectDescribed('/order/{orderId}', 'get', await t.request('/order/Order_12345'));
    expectDescribed('/order/{orderId}', 'get', await t.request('/order/Nope'));
    expectDescribed('/order/{orderId}', 'get', await t.request(`/order/${'x'.repeat(70)}`));
  });

  test.each(['/cancel', '/stop', '/reset', '/version', '/config', '/tlc', '/check', '/health', '/metrics', '/openapi.json'])('GET %s', async (path) => {
    expectDescribed(path, 'get', await t.request(path));
    expectDescribed(path, 'get', await t.request(path, { auth: null }));
  });

  test('GET /cancel during a payment, and the terminal errors of maintenance routes', async () => {
    const order = { orderId: 'Order_1', amount: 100, currency: { alpha: 'EUR', numeric: '978', exponent: 2 } };
    t.service.cancel.mockResolvedValueOnce([{ ...successFor(order), status: 'Failure', error: 'cancelled' }]);
    expectDescribed('/cancel', 'get', await t.request('/cancel'));
    t.service.check.mockRejectedValueOnce(new ConnectorError('terminal-timeout', 'x'));
    expectDescribed('/check', 'get', await t.request('/check'));
    t.service.tlc.mockRejectedValueOnce(new ConnectorError('unsupported', 'x'));
    expectDescribed('/tlc', 'get', await t.request('/tlc'));
    t.service.reset.mockRejectedValueOnce(new ConnectorError('busy', 'a payment is in progress'));
    expectDescribed('/reset', 'get', await t.request('/reset'));
  });

  test('GET /health with every fact a fleet reads: pass, warn, and 503 fail with its reasons', async () => {
    const full = {
      kioskId: 'kiosk-7',
      supervisor: { pid: 42, uptimeS: 3600, version: '0.1.0' },
      orders: { outcomeUnknown: 0, inProgress: 0 },
      lastPayment: { orderId: 'Order_1', at: '2026-01-01T10:00:00.000Z', outcome: 'success' as const },
      disk: { path: '/var/lib/ecr', freeBytes: 5_000_000_000, totalBytes: 20_000_000_000 },
      tpManager: { reachable: true, link: 'connected', busy: false, unattributed: 0 },
      outbox: { pending: 0, refused: 0, delivered: 12 },
      maintenance: { updateTime: '03:00', nextRunAt: '2026-01-02T03:00:00.000Z', lastRun: null },
    };
    t.service.health.mockResolvedValueOnce({ status: 'pass', ...full });
    const pass = await t.request('/health');
    expect(pass.status).toBe(200);
    expectDescribed('/health', 'get', pass);

    const warn = { status: 'warn' as const, problems: ['1 order(s) with outcome unknown'], ...full, orders: { outcomeUnknown: 1, inProgress: 0 } };
    t.service.health.mockResolvedValueOnce(warn);
    const warned = await t.request('/health');
    expect(warned.status).toBe(200);
    expectDescribed('/health', 'get', warned);

    t.service.health.mockResolvedValueOnce({ ...full, status: 'fail', problems: ['tp-manager does not answer: no payment can be taken'], tpManager: { reachable: false } });
    const failed = await t.request('/health');
    expect(failed.status).toBe(503);
    expectDescribed('/health', 'get', failed);
    expect((failed.body as { problems: string[] }[])[0]!.problems).toEqual(['tp-manager does not answer: no payment can be taken']);
  });

  test('GET /metrics: the text format under its own media type', async () => {
    const answer = await t.request('/metrics');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(answer.text).toBe('ecr_payments_total{outcome="success"} 1\n');
  });

  test('a drifted answer would be caught', async () => {
    // The check itself can fail: a /version answer with an unknown type does not match the description.
    t.service.version.mockResolvedValueOnce({ version: '1', type: 'kiosk' as 'tpa', os: 'linux' });
    const answer = await t.request('/version');
    expect(() => expectDescribed('/version', 'get', answer)).toThrow(/does not match the description/);
  });
});

test('every operation\'s 200 answer was checked against its description (runs last)', () => {
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m} ${path} 200`));
  for (const op of operations) expect(validated).toContain(op);
});
