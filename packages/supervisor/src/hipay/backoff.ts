/**
 * Exponential back-off with jitter: base, 2x base, 4x base ... capped. Jitter (+-20 %) spreads the retries
 * of many orders that failed together so they do not hit HiPay in one burst when it comes back.
 */
export interface BackoffSettings {
  /** First delay, default 1 s. */
  baseMs: number;
  /** Longest delay, default 5 min. */
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffSettings = { baseMs: 1000, capMs: 5 * 60 * 1000 };

/** Delay before the try after `attempts` failed tries (attempts >= 1); random() in [0, 1). */
export function backoffDelay(attempts: number, settings: BackoffSettings, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempts, 1) - 1, 30);
  const plain = Math.min(settings.capMs, settings.baseMs * 2 ** exponent);
  const jittered = plain * (0.8 + 0.4 * random());
  return Math.round(Math.min(settings.capMs, jittered));
}
