/**
 * observability/: the Prometheus scrape job, the alert rules and the Grafana dashboard parse, and every
 * metric they use is one GET /metrics exposes (the registry of ConnectorMetrics itself). promtool is not
 * available here, so PromQL is not compiled: this checks syntax of the files and the names in them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConnectorMetrics } from '../../packages/supervisor/src/metrics';
import { REPO_ROOT } from '../../test-support/processes';

// js-yaml comes with jest (istanbul); no YAML parser is a dependency of the connector itself.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = require('js-yaml') as { safeLoad(text: string): unknown };

const dir = path.join(REPO_ROOT, 'observability');
const read = (name: string): string => fs.readFileSync(path.join(dir, name), 'utf8');

/** Every series name GET /metrics can expose, histogram suffixes included. */
async function exposedNames(): Promise<Set<string>> {
  const metrics = new ConnectorMetrics({
    version: 'test',
    kioskId: 'k',
    sources: { tpManagerUp: () => true, outbox: () => ({ pending: 0, refused: 0 }), outcomeUnknownOrders: () => 0, lastMaintenance: () => undefined },
  });
  const names = new Set<string>();
  for (const m of await metrics.registry.getMetricsAsJSON()) {
    names.add(m.name);
    if (String(m.type) === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(m.name + suffix);
  }
  names.add('up'); // Prometheus's own, per target
  return names;
}

/** Metric names in a PromQL expression: identifiers not followed by "(" nor inside {...} or [...], nor keywords. */
function metricNames(expr: string): string[] {
  const withoutMatchers = expr.replace(/\{[^}]*\}/g, '{}').replace(/\[[^\]]*\]/g, '[]').replace(/"[^"]*"/g, '""');
  const keywords = new Set(['by', 'without', 'and', 'or', 'unless', 'on', 'ignoring', 'group_left', 'group_right', 'le', 'offset', 'bool']);
  return [...withoutMatchers.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()/g)]
    .map((m) => m[1])
    .filter((name) => name === 'up' || (!keywords.has(name) && /_/.test(name)));
}

test('the name finder sees metric names, not functions, labels nor matchers', () => {
  expect(metricNames('histogram_quantile(0.95, sum by (le, part) (rate(ecr_x_seconds_bucket{kiosk=~"$kiosk"}[1h])))')).toEqual(['ecr_x_seconds_bucket']);
  expect(metricNames('up{job="ecr-connector"} == 0 and ecr_typo_metric > 0')).toEqual(['up', 'ecr_typo_metric']);
});

interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

describe('observability/alerts.yml', () => {
  const doc = yaml.safeLoad(read('alerts.yml')) as { groups: { name: string; rules: AlertRule[] }[] };
  const rules = doc.groups.flatMap((g) => g.rules);
  const byName = new Map(rules.map((r) => [r.alert, r]));

  test('is YAML of rule groups, each rule with a name, an expression, a severity and a summary', () => {
    expect(doc.groups.length).toBeGreaterThan(0);
    for (const r of rules) {
      expect(r.alert).toMatch(/^Ecr[A-Za-z]+$/);
      expect(typeof r.expr).toBe('string');
      expect(['critical', 'warning']).toContain(r.labels?.severity);
      expect(r.annotations?.summary).toEqual(expect.any(String));
      if (r.for !== undefined) expect(r.for).toMatch(/^\d+[smh]$/);
    }
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
  });

  test('the issue asks for: link down over 5 min, an outcome-unknown order (money rule 1), outbox oldest over 15 min (money rule 5), maintenance failed', () => {
    expect(byName.get('EcrTerminalLinkDown')).toMatchObject({ expr: 'ecr_terminal_link_connected == 0', for: '5m' });
    expect(byName.get('EcrOutcomeUnknownOrder')?.expr).toBe('ecr_orders_outcome_unknown > 0');
    expect(byName.get('EcrHipayOutboxStale')?.expr).toBe('ecr_hipay_outbox_oldest_pending_age_seconds > 900');
    expect(byName.get('EcrMaintenanceFailed')?.expr).toBe('ecr_maintenance_last_run_failed == 1');
  });

  test('every metric an alert uses is exposed by GET /metrics', async () => {
    const exposed = await exposedNames();
    const used = rules.flatMap((r) => metricNames(r.expr));
    expect(used.length).toBeGreaterThanOrEqual(rules.length);
    expect(used.filter((name) => !exposed.has(name))).toEqual([]);
  });
});

describe('observability/prometheus.yml', () => {
  const doc = yaml.safeLoad(read('prometheus.yml')) as {
    rule_files: string[];
    scrape_configs: { job_name: string; metrics_path: string; basic_auth?: { username?: string; password?: string; password_file?: string } }[];
  };

  test('one scrape job on /metrics with Basic auth, the password from a file, and the alert rules loaded', () => {
    const job = doc.scrape_configs.find((j) => j.job_name === 'ecr-connector');
    expect(job?.metrics_path).toBe('/metrics');
    expect(job?.basic_auth?.username).toEqual(expect.any(String));
    expect(job?.basic_auth?.password_file).toEqual(expect.any(String));
    expect(job?.basic_auth?.password).toBeUndefined();
    expect(doc.rule_files).toContain('alerts.yml');
  });

  test('the alert rules name the job the scrape config defines', () => {
    expect(read('alerts.yml')).toContain(`job="${doc.scrape_configs[0].job_name}"`);
  });
});

describe('observability/grafana-dashboard.json', () => {
  const dashboard = JSON.parse(read('grafana-dashboard.json')) as {
    uid: string;
    title: string;
    panels: { id: number; title: string; targets: { expr: string }[]; gridPos: { x: number; y: number; w: number; h: number } }[];
    templating: { list: { name: string; query: unknown }[] };
  };

  test('is JSON with a uid, unique panel ids, and panels within the 24-column grid', () => {
    expect(dashboard.uid).toBe('ecr-connector');
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    for (const p of dashboard.panels) expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
  });

  test('every metric a panel or a variable uses is exposed by GET /metrics', async () => {
    const exposed = await exposedNames();
    const exprs = [
      ...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)),
      ...dashboard.templating.list.map((v) => v.query).filter((q): q is string => typeof q === 'string' && q.includes('(')),
    ];
    const used = exprs.flatMap(metricNames);
    expect(used).toEqual(expect.arrayContaining(['ecr_payments_total', 'ecr_payment_duration_seconds_bucket', 'ecr_hipay_deliveries_total']));
    expect(used.filter((name) => !exposed.has(name))).toEqual([]);
  });
});
