/** The OpenAPI 3.1 description served at GET /openapi.json, built from schemas.ts and route-specs.ts. */
import { COMPONENT_SCHEMAS, arrayOf, ref, type JsonSchema } from './schemas';
import { ROUTE_SPECS, type RouteSpec } from './route-specs';

export type OpenApiDocument = { openapi: '3.1.0' } & JsonSchema;

const STATUS_DESCRIPTIONS: Record<number, string> = {
  400: 'The request is wrong; the message names the field and the rule.',
  401: 'Missing or wrong Basic credentials (TERMINAL_MANAGER_LOGIN / TERMINAL_MANAGER_PWD).',
  404: 'No order with this orderId.',
  409: 'Another payment is in progress, this orderId is being paid right now, or it is stored with another amount or currency (the message names it); /stop during a payment.',
  413: 'The body is larger than the limit.',
  415: 'The body is neither JSON nor application/x-www-form-urlencoded.',
  500: 'A fault of the connector; details are in its log.',
  501: 'The terminal protocol cannot do this call.',
  503: 'tp-manager cannot record a payment now (its journal is not writable: disk full, I/O error); nothing reached the terminal, the orderId may be paid later.',
  599: 'The terminal or tp-manager did not answer ("Connection time out" when the terminal timed out).',
};

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

function jsonContent(schema: JsonSchema): JsonSchema {
  return { 'application/json': { schema } };
}

function errorResponse(status: number): JsonSchema {
  const schema = arrayOf(status === 401 ? 'AuthentificationErrorResponse' : 'ErrorResponse', { minItems: 1, maxItems: 1 });
  return { description: STATUS_DESCRIPTIONS[status] ?? 'Error.', content: jsonContent(schema) };
}

function operation(spec: RouteSpec): JsonSchema {
  const responses: Record<string, JsonSchema> = { '200': { description: 'OK', content: jsonContent(spec.ok) } };
  for (const status of [...spec.errors, 401, 500].sort((a, b) => a - b)) responses[String(status)] = errorResponse(status);
  const op: JsonSchema = {
    operationId: spec.operationId,
    summary: spec.summary,
    description: spec.description,
    tags: [spec.tag],
    responses,
  };
  const params = [...spec.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
  if (params.length > 0) op.parameters = params;
  if (spec.operationId === 'orderUnattendedTerminal') {
    const nested = { style: 'deepObject', explode: true };
    op.requestBody = {
      required: true,
      content: {
        'application/json': { schema: ref('OrderQuery'), examples: { seed: { summary: "The seed guide's example", value: ORDER_EXAMPLE } } },
        'application/x-www-form-urlencoded': {
          schema: ref('OrderQuery'),
          encoding: { basket: nested, customer: nested, customData: nested },
        },
      },
    };
  }
  return op;
}

export function buildOpenApi(version: string): OpenApiDocument {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const spec of ROUTE_SPECS) (paths[spec.path] ??= {})[spec.method] = operation(spec);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Unattended ECR Connector local API',
      version,
      description:
        "Compatible with HiPay's Unattended ECR Connector contract. Every answer is a JSON array, errors too: " +
        '[{"error":"..."}]. Amounts are integers in minor units of the currency.',
    },
    security: [{ basicAuth: [] }],
    tags: [
      { name: 'merchants', description: 'Payments and orders' },
      { name: 'maintenance', description: 'Terminal maintenance calls' },
      { name: 'monitoring', description: 'State of the connector' },
    ],
    paths,
    components: {
      securitySchemes: { basicAuth: { type: 'http', scheme: 'basic' } },
      schemas: COMPONENT_SCHEMAS,
    },
  };
}
