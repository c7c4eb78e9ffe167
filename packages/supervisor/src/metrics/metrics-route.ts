/** What GET /metrics serves (routes.ts): the Prometheus text format, behind the local API's Basic auth like every route. */
export interface MetricsSource {
  readonly contentType: string;
  text(): Promise<string>;
}
