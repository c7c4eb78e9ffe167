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

export { ORDER_EXAMPLE } from './route-specs';

function jsonContent(schema: JsonSchema): JsonSchema {
  return { 'application/json': { schema } };
}

function errorResponse(status: number): JsonSchema {
  const schema = arrayOf(status === 401 ? 'AuthentificationErrorResponse' : 'ErrorResponse', { minItems: 1, maxItems: 1 });
  return { description: STATUS_DESCRIPTIONS[status] ?? 'Error.', content: jsonContent(schema) };
}

/** GET /health answers 503 with the same report as 200, its status "fail": not an error body. */
const HEALTH_FAIL = {
  description: 'status "fail": no payment can be taken (tp-manager does not answer, or its journal cannot be written). The watchdog and Docker read it.',
  content: jsonContent(arrayOf('HealthReport', { minItems: 1, maxItems: 1 })),
};

function okResponse(spec: RouteSpec): JsonSchema {
  const content = spec.okMediaType === undefined ? jsonContent(spec.ok) : { [spec.okMediaType]: { schema: spec.ok } };
  return { description: 'OK', content };
}

function requestBody(request: NonNullable<RouteSpec['request']>): JsonSchema {
  const nested = { style: 'deepObject', explode: true };
  const example = request.example === undefined ? {} : { examples: { seed: { summary: "The seed guide's example", value: request.example } } };
  return {
    required: true,
    content: {
      'application/json': { schema: ref(request.schema), ...example },
      'application/x-www-form-urlencoded': {
        schema: ref(request.schema),
        encoding: Object.fromEntries(request.formNested.map((field) => [field, nested])),
      },
    },
  };
}

function operation(spec: RouteSpec): JsonSchema {
  const responses: Record<string, JsonSchema> = { '200': okResponse(spec) };
  for (const status of [...spec.errors, 401, 500].sort((a, b) => a - b)) {
    responses[String(status)] = spec.operationId === 'health' && status === 503 ? HEALTH_FAIL : errorResponse(status);
  }
  const op: JsonSchema = {
    operationId: spec.operationId,
    summary: spec.summary,
    description: spec.description,
    tags: [spec.tag],
    responses,
  };
  const params = [...spec.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
  if (params.length > 0) op.parameters = params;
  if (spec.request) op.requestBody = requestBody(spec.request);
  return op;
}

export function buildOpenApi(version: string): OpenApiDocument {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const spec of ROUTE_SPECS) {
    paths[spec.path] ??= {};
    paths[spec.path]![spec.method] = operation(spec);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Unattended ECR Connector local API',
      version,
      description:
        "Compatible with HiPay's Unattended ECR Connector contract. Every answer is a JSON array, errors too: " +
        '[{"error":"..."}]. Amounts are integers in minor units of the currency.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [
      { url: '/', description: 'The supervisor that serves this document' },
      {
        url: 'http://{host}:{port}',
        description: 'A supervisor as config.txt places it',
        variables: {
          host: { default: '127.0.0.1', description: 'BIND_ADDRESS' },
          port: { default: '8080', description: 'LOCAL_PORT' },
        },
      },
    ],
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
