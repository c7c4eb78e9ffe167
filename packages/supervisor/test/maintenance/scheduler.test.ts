/**
 * The scheduler with a clock the test moves (real timers, short poll): runs at UPDATE_TIME, never during a
 * payment (postponed once, started when the payment ends), on a technician's request, and plans tomorrow's.
 */
import { MaintenanceScheduler, type SchedulerOptions, type Trigger } from '../../src/maintenance/scheduler';

function until(probe: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const check = () => {
      if (probe()) resolve();
      else if (Date.now() > deadline) reject(new Error('timed out'));
      else setTimeout(check, 5);
    };
    check();
  });
}

describe('MaintenanceScheduler', () => {
  let now: Date;
  let paying: boolean;
  let requested: boolean;
  let runs: { trigger: Trigger; dueAt: Date; at: Date }[];
  let postponed: { trigger: Trigger; dueAt: Date }[];
  let scheduler: MaintenanceScheduler | undefined;

  function start(extra: Partial<SchedulerOptions> = {}): MaintenanceScheduler {
    scheduler = new MaintenanceScheduler({
      time: { hour: 4, minute: 0 },
      clock: () => now,
      pollMs: 10,
      paymentInProgress: () => paying,
      runRequested: () => {
        const was = requested;
        requested = false;
        return was;
      },
      postponed: (trigger, dueAt) => postponed.push({ trigger, dueAt }),
      run: async (trigger, dueAt) => {
        runs.push({ trigger, dueAt, at: now });
      },
      onError: (err) => {
        throw err;
      },
      ...extra,
    });
    scheduler.start();
    return scheduler;
  }

  beforeEach(() => {
    now = new Date(2030, 0, 10, 3, 59, 0);
    paying = false;
    requested = false;
    runs = [];
    postponed = [];
  });

  afterEach(() => scheduler?.stop());

  test('runs once when the clock reaches UPDATE_TIME, then plans the same time tomorrow', async () => {
    const s = start();
    expect(s.nextRunAt).toEqual(new Date(2030, 0, 10, 4, 0));
    await new Promise((r) => setTimeout(r, 50));
    expect(runs).toEqual([]);
    now = new Date(2030, 0, 10, 4, 0, 1);
    await until(() => runs.length === 1);
    expect(runs[0]).toMatchObject({ trigger: 'schedule', dueAt: new Date(2030, 0, 10, 4, 0) });
    expect(s.nextRunAt).toEqual(new Date(2030, 0, 11, 4, 0));
    await new Promise((r) => setTimeout(r, 50));
    expect(runs).toHaveLength(1);
  });

  test('a payment in progress postpones the run (recorded once); it starts as soon as the payment ends', async () => {
    paying = true;
    start();
    now = new Date(2030, 0, 10, 4, 0, 0);
    await until(() => postponed.length === 1);
    now = new Date(2030, 0, 10, 4, 3, 0);
    await new Promise((r) => setTimeout(r, 50));
    expect(runs).toEqual([]);
    expect(postponed).toEqual([{ trigger: 'schedule', dueAt: new Date(2030, 0, 10, 4, 0) }]);
    paying = false;
    await until(() => runs.length === 1);
    expect(runs[0]).toMatchObject({ trigger: 'schedule', dueAt: new Date(2030, 0, 10, 4, 0), at: new Date(2030, 0, 10, 4, 3, 0) });
  });

  test('a technician\'s request runs it now, and the daily run stays planned', async () => {
    const s = start();
    now = new Date(2030, 0, 10, 2, 0, 0);
    requested = true;
    await until(() => runs.length === 1);
    expect(runs[0]).toMatchObject({ trigger: 'technician', dueAt: new Date(2030, 0, 10, 2, 0, 0) });
    expect(s.nextRunAt).toEqual(new Date(2030, 0, 10, 4, 0));
  });

  test('a run that throws is reported and the next day is still planned', async () => {
    const errors: string[] = [];
    const s = start({ run: () => Promise.reject(new Error('disk full')), onError: (err) => errors.push(err.message) });
    now = new Date(2030, 0, 10, 4, 0, 0);
    await until(() => errors.length === 1);
    expect(errors).toEqual(['disk full']);
    expect(s.nextRunAt).toEqual(new Date(2030, 0, 11, 4, 0));
    expect(s.running).toBe(false);
  });
});
