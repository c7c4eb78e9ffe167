/**
 * A RunnerClock whose time moves only when told: tests run links for minutes of protocol time at once, and
 * the order of timers is exact (by due time, then by when they were set).
 */
import type { RunnerClock } from './link-runner';

interface Timer {
  due: number;
  order: number;
  fire: () => void;
}

export class VirtualClock implements RunnerClock {
  private time: number;
  private timers: Timer[] = [];
  private made = 0;

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  schedule(delayMs: number, fire: () => void): () => void {
    const timer: Timer = { due: this.time + Math.max(0, delayMs), order: this.made++, fire };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** When the next timer is due; undefined when none is set. */
  get nextDue(): number | undefined {
    return this.next()?.due;
  }

  /** Moves to the next timer due by `until` and fires it; false when there is none. */
  fireNext(until = Infinity): boolean {
    const timer = this.next();
    if (!timer || timer.due > until) return false;
    this.timers = this.timers.filter((t) => t !== timer);
    this.time = Math.max(this.time, timer.due);
    timer.fire();
    return true;
  }

  /** Lets `ms` pass, firing every timer due meanwhile in order. */
  advance(ms: number): void {
    const until = this.time + ms;
    while (this.fireNext(until));
    this.time = Math.max(this.time, until);
  }

  private next(): Timer | undefined {
    return this.timers.reduce<Timer | undefined>((a, t) => (!a || t.due < a.due || (t.due === a.due && t.order < a.order) ? t : a), undefined);
  }
}
