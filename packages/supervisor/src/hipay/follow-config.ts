/**
 * A technician fixes HiPay credentials or merchant settings in config.txt: the running supervisor takes them
 * and tries refused orders again, without a restart. config.txt is polled (its mtime and size), which also
 * sees an editor that replaces the file; a config.txt that no longer loads is reported and ignored.
 * The supervisor's main starts it once the outbox exists (followHipayConfig) and stops it at shutdown.
 */
import { statSync } from 'node:fs';
import { ConfigError, loadConfig, type Config, type Logger } from '@ecr/common';
import { createHipayClient } from './client';
import type { HipayMerchantSettings } from './order-fields';
import type { HipayOutbox } from './outbox';

export interface FollowConfigOptions {
  outbox: Pick<HipayOutbox, 'reconfigure' | 'retryRefused'>;
  /** The configuration the supervisor started with (its file and data directory are followed). */
  config: Config;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** The embedded sandbox's URL when HIPAY_LOGIN=sandbox (it cannot change while the supervisor runs). */
  sandboxUrl?: string;
  /** Bound on each HiPay call. */
  timeoutMs: number;
  /** How often config.txt is looked at; default 5 s. */
  intervalMs?: number;
  /** Default: process.env (the ECR_<KEY> overrides still win). */
  env?: NodeJS.ProcessEnv;
}

export function merchantSettings(config: Config): HipayMerchantSettings {
  return { hashKey: config.hipayHashkey, mid: config.hipayMid, acquirerId: config.hipayAcquirerId };
}

/** Applies the HiPay part of a newly read config.txt; returns a one-line problem when it cannot. */
export function applyHipayConfig(next: Config, options: FollowConfigOptions): string | undefined {
  const baseUrl = next.hipaySandbox ? options.sandboxUrl : next.hipayUrl;
  if (!baseUrl) return 'HIPAY_LOGIN=sandbox needs the embedded sandbox, which starts with the supervisor: restart it';
  const client = createHipayClient({ baseUrl, login: next.hipayLogin, password: next.hipayPwd, timeoutMs: options.timeoutMs });
  options.outbox.reconfigure(client, merchantSettings(next));
  return undefined;
}

/** mtime and size of the file, or '' when it cannot be read (being replaced, removed). */
function fingerprint(file: string): string {
  try {
    const st = statSync(file);
    return `${st.mtimeMs}:${st.size}`;
  } catch {
    return '';
  }
}

/** Starts following config.txt; call the returned function to stop. */
export function followHipayConfig(options: FollowConfigOptions): () => void {
  const file = options.config.configFile;
  // Taken now, not at the first poll, so a change made right after the start is seen.
  let seen = fingerprint(file);
  const poll = (): void => {
    const now = fingerprint(file);
    if (now === seen || now === '') return;
    seen = now;
    let next: Config;
    try {
      next = loadConfig({ file, dataDir: options.config.dataDir, env: options.env ?? process.env });
    } catch (err) {
      const why = err instanceof ConfigError ? err.message : (err as Error).message;
      options.logger.warn(`config.txt changed but does not load, HiPay settings unchanged: ${why}`);
      return;
    }
    const problem = applyHipayConfig(next, options);
    if (problem) {
      options.logger.warn(`config.txt changed, HiPay settings unchanged: ${problem}`);
      return;
    }
    options.logger.info('config.txt changed: HiPay settings reloaded');
    options.outbox.retryRefused();
  };
  const timer = setInterval(poll, options.intervalMs ?? 5000);
  timer.unref();
  return () => clearInterval(timer);
}
