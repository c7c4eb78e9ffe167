/** GET /metrics: the Prometheus text format, behind the local API's Basic auth like every route. */
import type { RequestHandler } from 'express';

export interface MetricsSource {
  readonly contentType: string;
  text(): Promise<string>;
}

export function metricsHandler(metrics: MetricsSource): RequestHandler {
  return async (_req, res) => {
    const body = await metrics.text();
    res.status(200).type(metrics.contentType).send(body);
  };
}
