/**
 * The release probe: "healthy" for a freshly started release, asked the way a kiosk would: GET /health answers
 * 200 from a supervisor of the expected version that reaches tp-manager, and GET /version reports tp-manager's
 * version. It reads the health report as service.ts types it (the HealthReport schema's type), not a shape of
 * its own.
 */
import type { HealthReport, VersionInfo } from '../service';

// One definition of the local API's address and credentials, shared with the watchdog (packages/cli).
export { localApi, type LocalApi } from '@ecr/cli';
import type { LocalApi } from '@ecr/cli';

async function getJson(api: LocalApi, pathname: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(api.url + pathname, { headers: { authorization: api.authorization }, signal: AbortSignal.timeout(3000) });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: text };
  }
}

/** GET /health's report, or undefined when the body is not one. Partial: an older release may lack fields. */
function firstReport(body: unknown): Partial<HealthReport> | undefined {
  return Array.isArray(body) && typeof body[0] === 'object' && body[0] !== null ? (body[0] as Partial<HealthReport>) : undefined;
}

/** undefined when healthy at `version`, else what is missing. */
export async function healthProblem(api: LocalApi, version: string): Promise<string | undefined> {
  try {
    const health = await getJson(api, '/health');
    if (health.status !== 200) return `GET /health answered ${health.status}`;
    const report = firstReport(health.body);
    if (report?.supervisor?.version !== version) return `the supervisor answering is version ${report?.supervisor?.version}, not ${version}`;
    if (!report.tpManager?.reachable) return 'the supervisor does not reach tp-manager';
    const answer = await getJson(api, '/version');
    const tpVersion = (answer.body as Partial<VersionInfo>[])[0]?.version;
    if (answer.status !== 200) return `GET /version answered ${answer.status}`;
    if (!tpVersion?.startsWith(`${version}-`)) return `tp-manager answering is version ${tpVersion}, not ${version}`;
    return undefined;
  } catch (err) {
    return `the local API at ${api.url} does not answer (${(err as Error).message})`;
  }
}

/**
 * Whether tp-manager reports a terminal transaction in progress (GET /health's tpManager.busy); undefined when
 * the local API does not answer (then there is nothing to wait for).
 */
export async function terminalBusy(api: LocalApi): Promise<boolean | undefined> {
  try {
    const health = await getJson(api, '/health');
    if (health.status !== 200) return undefined;
    return firstReport(health.body)?.tpManager?.busy === true;
  } catch {
    return undefined;
  }
}
