/**
 * Is the supervisor answering? GET /health on BIND_ADDRESS:LOCAL_PORT with the local API's Basic auth, within
 * ECR_HEALTH_TIMEOUT_MS (5 s). Run by always-up and the Docker health check; it reads config.txt with the
 * programs' own loader, so the watchdog can never understand the file differently from them.
 * Exit 0: answered 200. Exit 1: not answering (the reason on stdout, one line). Exit 2: cannot tell (config).
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
    finish(1, `answered ${where} with HTTP ${res.status}`);
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    if (e.name === 'TimeoutError') finish(1, `did not answer ${where} within ${timeoutMs / 1000} s`);
    finish(1, `did not answer ${where}: ${e.cause?.code ?? e.message}`);
  }
}

void main();
