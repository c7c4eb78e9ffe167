/**
 * The kiosk's local API as the watchdog and the release switch call it: BIND_ADDRESS:LOCAL_PORT with the
 * local API's Basic auth, and the one "is the supervisor answering?" probe.
 */
import { loadConfig, type Config } from '@ecr/common';

export interface LocalApi {
  url: string;
  authorization: string;
}

export function localApi(config: Pick<Config, 'bindAddress' | 'localPort' | 'terminalManagerLogin' | 'terminalManagerPwd'>): LocalApi {
  let host = config.bindAddress;
  if (host === '0.0.0.0') host = '127.0.0.1';
  else if (host === '::') host = '::1';
  if (host.includes(':')) host = `[${host}]`;
  const credentials = Buffer.from(`${config.terminalManagerLogin}:${config.terminalManagerPwd}`).toString('base64');
  return { url: `http://${host}:${config.localPort}`, authorization: `Basic ${credentials}` };
}

/**
 * answering: any answer but a server error other than 503. not-answering: a refused connection, a time-out
 * or a 5xx (the reason, one line).
 * unknown: the probe itself could not run (config unreadable, or it failed): never a reason to kill anything
 * (issue 14, defect 6).
 */
export type ProbeVerdict = { state: 'answering' } | { state: 'not-answering'; reason: string } | { state: 'unknown'; reason: string };

export async function probeHealth(dataDir: string, timeoutMs: number): Promise<ProbeVerdict> {
  let api: LocalApi;
  try {
    api = localApi(loadConfig({ dataDir }));
  } catch (err) {
    return { state: 'unknown', reason: (err as Error).message };
  }
  try {
    return await askHealth(api, timeoutMs);
  } catch (err) {
    return { state: 'unknown', reason: `the health probe failed: ${(err as Error).message}` };
  }
}

/** GET /health once; throws only when the probe itself is broken. */
export async function askHealth(api: LocalApi, timeoutMs: number, fetchImpl: typeof fetch = fetch): Promise<ProbeVerdict> {
  const where = `GET ${api.url}/health`;
  let status: number;
  try {
    const res = await fetchImpl(`${api.url}/health`, { headers: { authorization: api.authorization }, signal: AbortSignal.timeout(timeoutMs) });
    status = res.status;
    await res.arrayBuffer().catch(() => undefined);
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    if (e.name === 'TimeoutError') return { state: 'not-answering', reason: `did not answer ${where} within ${timeoutMs / 1000} s` };
    // fetch says "fetch failed" with the socket's code as its cause; anything else is the probe's own fault.
    if (e instanceof TypeError && e.cause?.code) return { state: 'not-answering', reason: `did not answer ${where}: ${e.cause.code}` };
    throw err;
  }
  // 503 is the supervisor itself saying the connector cannot take a payment (tp-manager down, journal not
  // writable): it answers, and restarting it would mend nothing. A 4xx is an answer too (e.g. a changed password).
  if (status < 500 || status === 503) return { state: 'answering' };
  return { state: 'not-answering', reason: `answered ${where} with HTTP ${status}` };
}
