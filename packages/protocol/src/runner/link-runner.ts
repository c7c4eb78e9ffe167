/**
 * The one driving loop of a sans-I/O link (Concert's ConcertLink, ZVT's ZvtSerialLink, or any machine that
 * answers bytes and time with steps): it hands the machine the bytes and the time, writes what a step says to
 * write, passes the step's events on, and arms one timer at the machine's next deadline. The clock is given,
 * so the timer is the caller's (a real one in tp-manager and the simulator, a virtual one in tests): this
 * package still owns no timer.
 */

/** What a sans-I/O link machine returns from each call: bytes to write, then what happened. */
export interface MachineStep<E> {
  write: readonly Uint8Array[];
  events: readonly E[];
}

/** A machine that keeps time: asked again at its deadline. */
export interface TimedMachine<E> {
  /** When to call tick(now); undefined while there is nothing to wait for. */
  readonly deadline: number | undefined;
  tick(now: number): MachineStep<E>;
}

/** A link machine: fed bytes and time, asked again at its deadline. */
export interface LinkMachine<E> extends TimedMachine<E> {
  receive(bytes: Uint8Array, now: number): MachineStep<E>;
}

/** Time in milliseconds and one-shot timers: real ones in a program, virtual ones in a test. */
export interface RunnerClock {
  now(): number;
  /** Calls `fire` after `delayMs`; the returned function cancels it. */
  schedule(delayMs: number, fire: () => void): () => void;
}

export interface LinkRunnerOptions<M extends TimedMachine<E>, E> {
  machine: M;
  /** Puts bytes on the line (a serial port, a socket, a test wire), or hands them to the layer below. */
  write(bytes: Uint8Array): void;
  clock: RunnerClock;
  /** Every event of every step, in order, after the step's bytes were written (the step, to read what was written). */
  onEvent(event: E, step: MachineStep<E>): void;
  /** After each step's events, before the timer is armed (e.g. to start what waited for the link to be idle). */
  afterStep?(): void;
}

export class LinkRunner<M extends TimedMachine<E>, E> {
  private current: M;
  private cancelTimer?: () => void;
  private stopped = false;

  constructor(private readonly options: LinkRunnerOptions<M, E>) {
    this.current = options.machine;
  }

  /** The machine being run (to read its state; act on it through do()). */
  get machine(): M {
    return this.current;
  }

  /** Bytes from the line (a machine that takes bytes). */
  receive(this: LinkRunner<LinkMachine<E>, E>, bytes: Uint8Array): void {
    this.do((machine, now) => machine.receive(bytes, now));
  }

  /** One call on the machine that returns a step (send, probe...), with the time now. */
  do(call: (machine: M, now: number) => MachineStep<E>): void {
    this.apply(call(this.current, this.options.clock.now()));
  }

  /** Starts again from a fresh machine (the line dropped): the old one's deadline is forgotten. */
  replace(machine: M): void {
    this.disarm();
    this.current = machine;
  }

  /** No more timers; later calls still reach the machine but arm nothing. */
  stop(): void {
    this.stopped = true;
    this.disarm();
  }

  private apply(step: MachineStep<E>): void {
    for (const bytes of step.write) this.options.write(bytes);
    for (const event of step.events) this.options.onEvent(event, step);
    this.options.afterStep?.();
    this.arm();
  }

  private arm(): void {
    this.disarm();
    const deadline = this.current.deadline;
    if (deadline === undefined || this.stopped) return;
    const machine = this.current;
    // Rounded up: a timer that fires a fraction of a millisecond early would find nothing due.
    const delay = Math.max(0, Math.ceil(deadline - this.options.clock.now()));
    this.cancelTimer = this.options.clock.schedule(delay, () => {
      this.cancelTimer = undefined;
      if (machine === this.current) this.apply(machine.tick(this.options.clock.now()));
    });
  }

  private disarm(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }
}

/** A machine that only reads (a deframer such as TlvStreamDeframer): events from bytes and time, nothing to write. */
export interface ReadingMachine<E> {
  readonly deadline: number | undefined;
  receive(bytes: Uint8Array, now: number): E[];
  tick(now: number): E[];
}

/** The reading machine as a LinkMachine, so the one runner drives it too. */
export function readingMachine<E>(machine: ReadingMachine<E>): LinkMachine<E> {
  return {
    get deadline() {
      return machine.deadline;
    },
    receive: (bytes, now) => ({ write: [], events: machine.receive(bytes, now) }),
    tick: (now) => ({ write: [], events: machine.tick(now) }),
  };
}
