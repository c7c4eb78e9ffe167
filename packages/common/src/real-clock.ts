/**
 * The programs' clock for protocol/'s LinkRunner (its RunnerClock, matched by shape): monotonic time and real
 * one-shot timers. Tests give the runner protocol's VirtualClock instead.
 */
import { performance } from 'node:perf_hooks';

export const realClock = {
  now: (): number => performance.now(),
  schedule(delayMs: number, fire: () => void): () => void {
    const timer = setTimeout(fire, delayMs);
    return () => clearTimeout(timer);
  },
};
