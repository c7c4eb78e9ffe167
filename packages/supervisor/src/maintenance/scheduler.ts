/**
 * Decides when a maintenance run starts: at UPDATE_TIME local time each day, or when a technician asks
 * (the maintenance CLI). Never during a payment: a due run is postponed, looked at again every few seconds,
 * and starts as soon as the payment ends. The clock is injected (tests; ECR_MAINTENANCE_CLOCK) and read on
 * every tick, so a clock set by NTP after boot or a long sleep cannot make a run be missed or doubled.
 */
import type { TimeOfDay } from '@ecr/common';
import type { MaintenanceRecord } from '@ecr/updater';
import { nextRunAt } from './schedule';

export type Trigger = MaintenanceRecord['trigger'];

export interface SchedulerOptions {
  time: TimeOfDay;
  clock: () => Date;
  paymentInProgress: () => boolean;
  /** True once when a technician asked for a run (consumes the request). */
  runRequested: () => boolean;
  /** Called once per due run that has to wait for a payment. */
  postponed: (trigger: Trigger, dueAt: Date) => void;
  run: (trigger: Trigger, dueAt: Date) => Promise<void>;
  onError: (err: Error) => void;
  /** How often the clock, the request and the payment are looked at. Default 2 s. */
  pollMs?: number;
}

export class MaintenanceScheduler {
  private next: Date;
  private due?: { trigger: Trigger; dueAt: Date; postponed: boolean };
  private timer?: NodeJS.Timeout;
  private busy = false;
  private stopped = false;

  constructor(private readonly options: SchedulerOptions) {
    this.next = nextRunAt(options.clock(), options.time);
  }

  get nextRunAt(): Date {
    return this.next;
  }

  /** True from the moment a run starts until it ends (or hands over to the switch runner). */
  get running(): boolean {
    return this.busy;
  }

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.stopped) return;
    const untilNext = this.next.getTime() - this.options.clock().getTime();
    const delay = Math.max(0, Math.min(this.options.pollMs ?? 2000, untilNext));
    this.timer = setTimeout(() => void this.tick(), delay);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const now = this.options.clock();
    if (!this.due) {
      if (now.getTime() >= this.next.getTime()) {
        this.due = { trigger: 'schedule', dueAt: this.next, postponed: false };
      } else if (this.options.runRequested()) {
        this.due = { trigger: 'technician', dueAt: now, postponed: false };
      }
    }
    if (this.due) {
      const due = this.due;
      if (this.options.paymentInProgress()) {
        if (!due.postponed) {
          due.postponed = true;
          this.options.postponed(due.trigger, due.dueAt);
        }
      } else {
        this.due = undefined;
        // Planned from now: a run at 04:00 (or one postponed past it) plans tomorrow's.
        this.next = nextRunAt(this.options.clock(), this.options.time);
        this.busy = true;
        try {
          await this.options.run(due.trigger, due.dueAt);
        } catch (err) {
          this.options.onError(err as Error);
        } finally {
          this.busy = false;
        }
      }
    }
    this.schedule();
  }
}
