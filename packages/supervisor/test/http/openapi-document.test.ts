/**
 * GET /openapi.json as a document a client generator or an API gateway reads (issue 13 item 6): it says where
 * the API is (servers) and under which licence, every array schema says what its items are, and the document
 * and the app agree both ways: every route the app serves is described, every described operation is served.
 */
import Ajv2020 from 'ajv/dist/2020';
import { createApp } from '../../src/http/app';
import { expressPath } from '../../src/http/route-specs';
import { fakeService, fixedMetrics, startApp, type TestApp } from './helpers';

type Operation = { requestBody?: { content: Record<string, { schema: unknown }> }; responses: Record<string, { content?: Record<string, { schema: unknown }> }> };
type Doc = {
  openapi: string;
  info: { title: string; version: string; license?: { name: string; identifier?: string; url?: string } };
  servers?: { url: string; variables?: Record<string, { default: string }> }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
};

let t: TestApp;
let doc: Doc;

beforeAll(async () => {
  t = await startApp({ metrics: fixedMetrics() });
  const answer = await t.request('/openapi.json');
  expect(answer.status).toBe(200);
  doc = answer.body as Doc;
});
afterAll(async () => {
  await t.close();
});

/** Every place of the document holding a schema whose type is (or includes) array, with its JSON pointer. */
function arraySchemas(node: unknown, at = ''): { at: string; schema: Record<string, unknown> }[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => arraySchemas(item, `${at}/${i}`));
  if (node === null || typeof node !== 'object') return [];
  const here = node as Record<string, unknown>;
  const types = Array.isArray(here.type) ? here.type : [here.type];
  const own = types.includes('array') ? [{ at, schema: here }] : [];
  // Example values are data, not schemas: a basket example may well hold a field called "type".
  return [
    ...own,
    ...Object.entries(here)
      .filter(([key]) => key !== 'examples' && key !== 'example')
      .flatMap(([key, value]) => arraySchemas(value, `${at}/${key}`)),
  ];
}

test('servers: the supervisor that serves it, and the address config.txt gives it', () => {
  expect(doc.servers).toBeDefined();
  expect(doc.servers!.map((s) => s.url)).toEqual(['/', 'http://{host}:{port}']);
  const templated = doc.servers![1]!;
  // Every {variable} of the URL has a default, as OpenAPI requires.
  for (const name of templated.url.match(/\{(\w+)\}/g)!.map((v) => v.slice(1, -1))) expect(templated.variables?.[name]?.default).toEqual(expect.any(String));
  expect(templated.variables).toEqual({
    host: { default: '127.0.0.1', description: 'BIND_ADDRESS' },
    port: { default: '8080', description: 'LOCAL_PORT' },
  });
});

test('license: MIT, as the repository', () => {
  expect(doc.info.license).toEqual({ name: 'MIT', identifier: 'MIT' });
  expect(doc.info.version).toBe('0.1.0-test');
});

test('every array schema says what its items are', () => {
  const arrays = arraySchemas(doc);
  // The walk itself finds arrays: answers are arrays, so there are many.
  expect(arrays.length).toBeGreaterThan(20);
  const withoutItems = arrays.filter(({ schema }) => !('items' in schema)).map(({ at }) => at);
  expect(withoutItems).toEqual([]);
});

test('the walk would catch an array without items', () => {
  const broken = { paths: { '/x': { get: { responses: { '200': { content: { 'application/json': { schema: { type: ['array', 'null'] } } } } } } } } };
  expect(arraySchemas(broken).filter(({ schema }) => !('items' in schema))).toHaveLength(1);
});

test('every schema in it compiles (OpenAPI 3.1 schemas are JSON Schema 2020-12)', () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema(doc as object, 'served');
  for (const name of Object.keys(doc.components.schemas)) expect(() => ajv.compile({ $ref: `served#/components/schemas/${name}` })).not.toThrow();
});

test('every route the app serves is in the document, and every documented operation is routed', () => {
  const app = createApp({ login: 'kiosk', password: 'pwd', service: fakeService(), logger: { info() {}, warn() {}, error() {}, debug() {} }, version: '0', metrics: fixedMetrics() });
  type Layer = { route?: { path: string; methods: Record<string, boolean> } };
  const stack = (app as unknown as { router: { stack: Layer[] } }).router.stack;
  // A served operation is a route with one method; app.all (405 with Allow) and the HEAD refusal are not operations.
  const served = stack
    .filter((layer) => layer.route && Object.keys(layer.route.methods).length === 1 && !layer.route.methods.head)
    .map((layer) => `${Object.keys(layer.route!.methods)[0]!.toUpperCase()} ${layer.route!.path}`);
  const documented = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${expressPath(path)}`));
  expect(served.length).toBeGreaterThan(10);
  expect(served.sort()).toEqual(documented.sort());
});

test('each documented operation answers over HTTP with something other than "no route"', async () => {
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const method of Object.keys(methods)) {
      const url = path.replace(/\{\w+\}/g, 'Order_1');
      const answer = await t.request(url, method === 'post' ? { json: { amount: 100 } } : { method: method.toUpperCase() });
      expect(`${method} ${path} ${answer.text}`).not.toMatch(/no route/);
      expect([200, 404, 503]).toContain(answer.status);
    }
  }
});
