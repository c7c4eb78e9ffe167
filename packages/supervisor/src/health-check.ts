/**
 * Is the supervisor answering? GET /health on BIND_ADDRESS:LOCAL_PORT with the local API's Basic auth, within
 * ECR_HEALTH_TIMEOUT_MS (5 s). Run by always-up and the Docker health check; it reads config.txt with the
 * programs' own loader, so the watchdog can never understand the file differently from them.
 * Exit 0: answered 200 (status pass or warn). Exit 1: not answering (the reason on stdout, one line). Exit 2:
 * cannot tell (config). Exit 3: answering, but GET /health says 503 'fail' (tp-manager unreachable, journal not
 * writable): the supervisor is not the fault, so the watchdog must not restart it; Docker counts it unhealthy.
 */
import { loadConfig, type Config } from '@ecr/common';
import { localApi } from './maintenance/health-probe';

function finish(code: number, message?: string): never {
  if (message) process.stdout.write(message + '\n');
  process.exit(code);
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    finish(2, (err as Error).message);
  }
  const timeoutMs = Number(process.env.ECR_HEALTH_TIMEOUT_MS) > 0 ? Number(process.env.ECR_HEALTH_TIMEOUT_MS) : 5000;
  const api = localApi(config);
  const where = `GET ${api.url}/health`;
  try {
    const res = await fetch(`${api.url}/health`, { headers: { authorization: api.authorization }, signal: AbortSignal.timeout(timeoutMs) });
    if (res.status === 200) finish(0);
    const failing = res.status === 503 ? failReasons(await res.text()) : undefined;
    if (failing !== undefined) finish(3, `answers ${where} with 503 fail: ${failing}`);
    finish(1, `answered ${where} with HTTP ${res.status}`);
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    if (e.name === 'TimeoutError') finish(1, `did not answer ${where} within ${timeoutMs / 1000} s`);
    finish(1, `did not answer ${where}: ${e.cause?.code ?? e.message}`);
  }
}

/** The reasons of a GET /health body whose status is 'fail', one line; undefined for any other body. */
function failReasons(text: string): string | undefined {
  try {
    const report = (JSON.parse(text) as { status?: unknown; problems?: unknown }[])[0];
    if (report?.status !== 'fail') return undefined;
    return Array.isArray(report.problems) && report.problems.length > 0 ? report.problems.join('; ') : 'no reason given';
  } catch {
    return undefined;
  }
}

void main();
