/**
 * Reading GET /metrics in end-to-end tests: one sample's value from the Prometheus text format, e.g.
 * sample(text, 'ecr_hipay_outbox_orders{state="pending"}'); undefined when the series is absent.
 */
export function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}
