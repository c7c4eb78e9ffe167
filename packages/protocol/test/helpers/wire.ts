/**
 * Two ConcertLinks wired back to back in memory, each driven by the package's LinkRunner on one virtual
 * clock. Bytes in flight go through an optional line filter (drop, corrupt, split, add noise), so a test plays
 * the part of a bad serial line.
 */
import { ConcertLink, LinkRunner, VirtualClock, type LinkEvent, type LinkOptions } from '../../src';

export type Side = 'ecr' | 'terminal';
/** What the line delivers for bytes written by `from`: any number of chunks (none = lost). */
export type LineFilter = (from: Side, bytes: Buffer) => Buffer[];

export class Wire {
  readonly clock = new VirtualClock();
  readonly runners: Record<Side, LinkRunner<ConcertLink, LinkEvent>>;
  readonly events: Record<Side, LinkEvent[]> = { ecr: [], terminal: [] };
  /** Every chunk each side wrote, in order. */
  readonly written: Record<Side, Buffer[]> = { ecr: [], terminal: [] };
  private readonly inFlight: { to: Side; bytes: Buffer }[] = [];

  constructor(
    options: Omit<LinkOptions, 'role'> = {},
    private readonly filter: LineFilter = (_from, bytes) => [bytes],
  ) {
    const runner = (side: Side) => {
      const other: Side = side === 'ecr' ? 'terminal' : 'ecr';
      return new LinkRunner<ConcertLink, LinkEvent>({
        machine: new ConcertLink({ ...options, role: side }),
        clock: this.clock,
        write: (bytes) => {
          const chunk = Buffer.from(bytes);
          this.written[side].push(chunk);
          for (const delivered of this.filter(side, chunk)) this.inFlight.push({ to: other, bytes: delivered });
        },
        onEvent: (event) => this.events[side].push(event),
      });
    };
    this.runners = { ecr: runner('ecr'), terminal: runner('terminal') };
  }

  get links(): Record<Side, ConcertLink> {
    return { ecr: this.runners.ecr.machine, terminal: this.runners.terminal.machine };
  }

  /** Virtual time, in milliseconds. */
  get now(): number {
    return this.clock.now();
  }

  send(side: Side, payload: Buffer): void {
    this.runners[side].do((link, now) => link.send(payload, now));
  }

  probe(side: Side): void {
    this.runners[side].do((link, now) => link.probe(now));
  }

  /** Delivers bytes and fires deadlines until both links are quiet or `forMs` of virtual time has passed. */
  run(forMs = 60_000): void {
    const until = this.now + forMs;
    do this.deliver();
    while (this.clock.fireNext(until));
  }

  /** Lets virtual time pass with nothing on the line. */
  wait(ms: number): void {
    const until = this.now + ms;
    this.run(ms);
    this.clock.advance(Math.max(0, until - this.now));
  }

  eventsOf<T extends LinkEvent['type']>(side: Side, type: T): Extract<LinkEvent, { type: T }>[] {
    return this.events[side].filter((e): e is Extract<LinkEvent, { type: T }> => e.type === type);
  }

  messages(side: Side): string[] {
    return this.eventsOf(side, 'message').map((e) => e.payload.toString('latin1'));
  }

  private deliver(): void {
    let guard = 0;
    while (this.inFlight.length > 0) {
      if (++guard > 100_000) throw new Error('the two links never stop talking');
      const { to, bytes } = this.inFlight.shift() as { to: Side; bytes: Buffer };
      this.runners[to].receive(bytes);
    }
  }
}

/** Counts a control byte among written chunks. */
export function countByte(chunks: Buffer[], byte: number): number {
  return chunks.filter((c) => c.length === 1 && c[0] === byte).length;
}
