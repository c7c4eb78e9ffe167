/**
 * The supervisor's local HTTP API (Express 5): Basic auth on every route, the contract's routes, JSON answers
 * that are always arrays, one error mapping (errors.ts). The connector itself is behind ConnectorService.
 */
import express, { type RequestHandler } from 'express';
import type { ConnectorService } from '../service';
import type { MetricsSource } from '../metrics/metrics-route';
import { basicAuthMiddleware } from './auth';
import { errorMiddleware, methodNotAllowed, notFound } from './errors';
import type { Logger } from '@ecr/common';
import { buildOpenApi } from './openapi';
import { orderBodyParsers } from './order-body';
import { requestLog } from './request-log';
import { ROUTE_SPECS, expressPath, type OperationId, type RouteSpec } from './route-specs';
import { createHandlers, type Handler } from './routes';

export interface AppDeps {
  /** TERMINAL_MANAGER_LOGIN / TERMINAL_MANAGER_PWD. */
  login: string;
  password: string;
  service: ConnectorService;
  logger: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
  /** The connector's version, for the OpenAPI description. */
  version: string;
  /** Largest accepted body, in body-parser's notation; default '1mb'. */
  bodyLimit?: string;
  /** With it, GET /metrics answers in the Prometheus text format (behind the same Basic auth). */
  metrics?: MetricsSource;
}

const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};

function answer(spec: RouteSpec, handler: Handler): RequestHandler {
  return async (req, res) => {
    const body = await handler(req, res);
    // A handler may choose another success status (GET /health: 503 when the connector cannot pay).
    res.status(typeof res.locals.status === 'number' ? res.locals.status : 200);
    if (spec.okMediaType === undefined) res.json(body);
    else res.type(typeof res.locals.contentType === 'string' ? res.locals.contentType : spec.okMediaType).send(body);
  };
}

/** The methods a path serves, as an Allow header lists them. */
function allowedMethods(specs: readonly RouteSpec[]): string[] {
  return specs.flatMap((s) => (s.method === 'get' && !s.sideEffects ? ['GET', 'HEAD'] : [s.method.toUpperCase()]));
}

export function createApp(deps: AppDeps): express.Express {
  const bodyLimit = deps.bodyLimit ?? '1mb';
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use(requestLog(deps.logger));
  app.use(noStore);
  app.use(basicAuthMiddleware(deps.login, deps.password));

  const handlers: Record<OperationId, Handler> = createHandlers({
    service: deps.service,
    logger: deps.logger,
    openapi: buildOpenApi(deps.version),
    metrics: deps.metrics,
  });
  const byPath = new Map<string, (typeof ROUTE_SPECS)[number][]>();
  for (const spec of ROUTE_SPECS) byPath.set(spec.path, [...(byPath.get(spec.path) ?? []), spec]);

  for (const [path, specs] of byPath) {
    const route = expressPath(path);
    const refuse = methodNotAllowed(allowedMethods(specs));
    for (const spec of specs) {
      const handler = answer(spec, handlers[spec.operationId]);
      if (spec.method === 'post') {
        app.post(route, ...orderBodyParsers(bodyLimit), handler);
      } else {
        // Express answers HEAD with the GET handler; for GET /stop and the like that would repeat the action.
        if (spec.sideEffects) app.head(route, refuse);
        app.get(route, handler);
      }
    }
    app.all(route, refuse);
  }

  app.use(notFound);
  app.use(errorMiddleware(deps.logger, bodyLimit));
  return app;
}
