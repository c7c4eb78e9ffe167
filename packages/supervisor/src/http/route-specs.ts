/**
 * What each route is, for the app (mounting, Allow headers, the type each handler must answer) and for the
 * OpenAPI description: one list with the request and response schemas on it, so the served description cannot
 * name a route the app lacks or miss one it has, and a handler cannot answer what its schema does not describe.
 */
import type { SchemaType } from './schema-type';
import { arrayOf, type Components, type JsonSchema, type SchemaName } from './schemas';

export interface RouteSpec {
  readonly operationId: string;
  readonly method: 'get' | 'post';
  /** OpenAPI form: /order/{orderId}. */
  readonly path: string;
  readonly summary: string;
  readonly description: string;
  readonly tag: 'merchants' | 'maintenance' | 'monitoring';
  /** Calling it does something (GET /stop...): HEAD is refused instead of repeating it. */
  readonly sideEffects: boolean;
  /**
   * The request body: its component schema (the one that validates it), sent as JSON or as a form whose
   * `formNested` fields may be bracket-nested (basket[0][name]=...).
   */
  readonly request?: { readonly schema: SchemaName; readonly formNested: readonly string[]; readonly example?: unknown };
  /** Schema of the 200 body. */
  readonly ok: JsonSchema;
  /** Media type of the 200 body when it is not JSON (GET /metrics). */
  readonly okMediaType?: 'text/plain';
  /** Error statuses besides 401 and 500, which every route may answer. */
  readonly errors: readonly number[];
}

const TERMINAL_ERRORS = [409, 501, 599] as const;

/** The seed's example, with the contract's e-mail address. */
export const ORDER_EXAMPLE = {
  amount: 100,
  orderId: 'Order_12345',
  currency: 'EUR',
  basket: {
    european_article_numbering: 4711892728946,
    product_reference: 'NF-a1690',
    type: 'good',
    quantity: 1,
    name: 'My first product',
    unit_price: 8.99,
    tax_rate: 0,
    discount: 0,
    total_amount: 8.99,
  },
  customer: { id: 283749291, firstname: 'John', lastname: 'Doe', email: 'johnDoe@test.com' },
  customData: { shop: 'Opera', vendor: 'Mario', newCustomer: true, event: 42 },
};

/** An answer that is always []: nothing to say beyond the status. */
const EMPTY_ANSWER = { type: 'array', maxItems: 0, items: {} } as const;

export const ROUTE_SPECS = [
  {
    operationId: 'orderUnattendedTerminal',
    method: 'post',
    path: '/order',
    summary: 'Pay on the terminal; on success, create the order at HiPay',
    description:
      'Takes the payment on the unattended terminal and answers when the terminal does (up to the payment timeout). ' +
      'A declined or abandoned payment is 200 with status "Failure". Sending an orderId that was already paid ' +
      'returns the stored answer instead of charging twice. 599 means the outcome is not known yet: ask ' +
      'GET /order/{orderId}.',
    tag: 'merchants',
    sideEffects: true,
    request: { schema: 'OrderQuery', formNested: ['basket', 'customer', 'customData'], example: ORDER_EXAMPLE },
    ok: arrayOf('OrderResponse', { minItems: 1, maxItems: 1 }),
    errors: [400, 409, 413, 415, 501, 503, 599],
  },
  {
    operationId: 'getOrder',
    method: 'get',
    path: '/order/{orderId}',
    summary: 'The stored outcome of an order and its delivery to HiPay',
    description:
      'For a kiosk that lost the POST /order answer (timeout, restart). orderState "paid-other-amount": the terminal ' +
      'approved another amount or currency than asked; the answer is "Failure" and its error names what was paid, ' +
      'which is what HiPay gets.',
    tag: 'merchants',
    sideEffects: false,
    ok: arrayOf('OrderStatus', { minItems: 1, maxItems: 1 }),
    errors: [400, 404],
  },
  {
    operationId: 'cancelTransaction',
    method: 'get',
    path: '/cancel',
    summary: 'Abort the transaction in progress at the terminal',
    description:
      '501 when the terminal protocol has no abort (Concert V2 and V3): the payment goes on until the terminal answers ' +
      '(the customer can cancel on the terminal) and POST /order gets that answer. Where the protocol can abort, the ' +
      'abort is sent and this answers with the order\'s outcome as the terminal gave it ([] when no payment was running).',
    tag: 'maintenance',
    sideEffects: true,
    ok: arrayOf('OrderResponse', { maxItems: 1 }),
    errors: TERMINAL_ERRORS,
  },
  {
    operationId: 'stopTerminalManager',
    method: 'get',
    path: '/stop',
    summary: 'Stop the terminal manager cleanly',
    description: 'Answers [] once the stop is under way; 409 while a payment is in progress (nothing is stopped).',
    tag: 'maintenance',
    sideEffects: true,
    ok: EMPTY_ANSWER,
    errors: TERMINAL_ERRORS,
  },
  {
    operationId: 'resetTerminal',
    method: 'get',
    path: '/reset',
    summary: 'Ask the terminal to reboot',
    description: 'Answers [] when the terminal accepted.',
    tag: 'maintenance',
    sideEffects: true,
    ok: EMPTY_ANSWER,
    errors: TERMINAL_ERRORS,
  },
  {
    operationId: 'versionTerminalManager',
    method: 'get',
    path: '/version',
    summary: 'Version of the terminal manager',
    description: 'As the contract: [{"version":"1.2.3-tpa-linux_64","type":"tpa","os":"linux_64"}].',
    tag: 'maintenance',
    sideEffects: false,
    ok: arrayOf('VersionResponse', { minItems: 1, maxItems: 1 }),
    errors: TERMINAL_ERRORS,
  },
  {
    operationId: 'configTerminal',
    method: 'get',
    path: '/config',
    summary: 'Serial number of the terminal',
    description: 'As the contract: [{"deviceId":"00000012345678"}].',
    tag: 'maintenance',
    sideEffects: false,
    ok: arrayOf('ConfigResponse', { minItems: 1, maxItems: 1 }),
    errors: TERMINAL_ERRORS,
  },
  {
    operationId: 'doTlc',
    method: 'get',
    path: '/tlc',
    summary: 'Telecollection: send the day\'s transactions to the acquirer',
    description: 'Status per payment application: 0 ok, 1 incomplete, 2 call error, 3 no call.',
    tag: 'maintenance',
    sideEffects: true,
    ok: arrayOf('TlcResponse', { minItems: 1, maxItems: 1 }),
    errors: TERMINAL_ERRORS,
  },
  {
    operationId: 'checkStatus',
    method: 'get',
    path: '/check',
    summary: 'Hardware status of the terminal',
    description: 'As the contract: [{"cr":"0","card":"0","call":"0","periph":"0"}].',
    tag: 'maintenance',
    sideEffects: false,
    ok: arrayOf('CheckResponse', { minItems: 1, maxItems: 1 }),
    errors: TERMINAL_ERRORS,
  },
  {
    operationId: 'health',
    method: 'get',
    path: '/health',
    summary: 'Health of the connector',
    description:
      'Supervisor; tp-manager reachability, link (and why it is down), busy, journal fault, terminal answers credited ' +
      'to no order (count and newest, card numbers masked); HiPay outbox. Never touches the terminal.',
    tag: 'monitoring',
    sideEffects: false,
    ok: arrayOf('HealthReport', { minItems: 1, maxItems: 1 }),
    // 503 carries the same report, with status "fail": described apart from the error answers (openapi.ts).
    errors: [503],
  },
  {
    operationId: 'metrics',
    method: 'get',
    path: '/metrics',
    summary: 'Metrics for Prometheus',
    description:
      'The Prometheus text format (0.0.4): payments by outcome, payment duration (terminal and connector apart), HiPay ' +
      'deliveries, outbox backlog, outcome-unknown orders, terminal link, tp-manager liveness, process metrics. ' +
      'Behind the same Basic auth as every route.',
    tag: 'monitoring',
    sideEffects: false,
    ok: { type: 'string', examples: ['ecr_payments_total{outcome="success"} 1'] },
    okMediaType: 'text/plain',
    errors: [],
  },
  {
    operationId: 'openapi',
    method: 'get',
    path: '/openapi.json',
    summary: 'This description (OpenAPI 3.1)',
    description: 'Generated from the same JSON Schemas that validate the requests.',
    tag: 'monitoring',
    sideEffects: false,
    ok: { type: 'object', required: ['openapi', 'info', 'paths', 'components'] },
    errors: [],
  },
] as const satisfies readonly RouteSpec[];

export type OperationId = (typeof ROUTE_SPECS)[number]['operationId'];

type SpecOf<Id extends OperationId> = Extract<(typeof ROUTE_SPECS)[number], { operationId: Id }>;

/** The 200 body of an operation, as the schema on its spec describes it. */
export type OkBody<Id extends OperationId> = SchemaType<SpecOf<Id>['ok'], Components>;

/** The Express path of an OpenAPI path: /order/{orderId} -> /order/:orderId. */
export function expressPath(openapiPath: string): string {
  return openapiPath.replace(/\{(\w+)\}/g, ':$1');
}
