/**
 * Two ConcertLinks wired back to back in memory, with a virtual clock. Bytes in flight go through an
 * optional line filter (drop, corrupt, split, add noise), so a test plays the part of a bad serial line.
 */
import { ConcertLink, type LinkEvent, type LinkOptions, type LinkStep } from '../../src';

export type Side = 'ecr' | 'terminal';
/** What the line delivers for bytes written by `from`: any number of chunks (none = lost). */
export type LineFilter = (from: Side, bytes: Buffer) => Buffer[];

export class Wire {
  readonly links: Record<Side, ConcertLink>;
  readonly events: Record<Side, LinkEvent[]> = { ecr: [], terminal: [] };
  /** Every chunk each side wrote, in order. */
  readonly written: Record<Side, Buffer[]> = { ecr: [], terminal: [] };
  now = 0;
  private readonly inFlight: { to: Side; bytes: Buffer }[] = [];

  constructor(
    options: Omit<LinkOptions, 'role'> = {},
    private readonly filter: LineFilter = (_from, bytes) => [bytes],
  ) {
    this.links = { ecr: new ConcertLink({ ...options, role: 'ecr' }), terminal: new ConcertLink({ ...options, role: 'terminal' }) };
  }

  send(side: Side, payload: Buffer): void {
    this.apply(side, this.links[side].send(payload, this.now));
  }

  probe(side: Side): void {
    this.apply(side, this.links[side].probe(this.now));
  }

  /** Delivers bytes and fires deadlines until both links are quiet or `forMs` of virtual time has passed. */
  run(forMs = 60_000): void {
    const until = this.now + forMs;
    for (;;) {
      this.deliver();
      const deadlines = [this.links.ecr.deadline, this.links.terminal.deadline].filter((d): d is number => d !== undefined);
      if (deadlines.length === 0) return;
      const next = Math.min(...deadlines);
      if (next > until) return;
      this.now = Math.max(this.now, next);
      for (const side of ['ecr', 'terminal'] as const) this.apply(side, this.links[side].tick(this.now));
    }
  }

  /** Lets virtual time pass with nothing on the line. */
  wait(ms: number): void {
    const until = this.now + ms;
    this.run(ms);
    this.now = Math.max(this.now, until);
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
      this.apply(to, this.links[to].receive(bytes, this.now));
    }
  }

  private apply(side: Side, step: LinkStep): void {
    const other: Side = side === 'ecr' ? 'terminal' : 'ecr';
    this.events[side].push(...step.events);
    for (const bytes of step.write) {
      this.written[side].push(bytes);
      for (const chunk of this.filter(side, bytes)) this.inFlight.push({ to: other, bytes: chunk });
    }
  }
}

/** Counts a control byte among written chunks. */
export function countByte(chunks: Buffer[], byte: number): number {
  return chunks.filter((c) => c.length === 1 && c[0] === byte).length;
}
