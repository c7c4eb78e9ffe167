/**
 * An ECR session and a simulated ZVT terminal wired together in memory over the TCP framing (bytes through
 * a ZvtTcpDeframer each way), on a clock the test moves from deadline to deadline: no timers, no sleeps.
 */
import { zvt } from '@ecr/protocol';
import { ZvtTerminal, type ZvtTerminalEvent, type ZvtTerminalOptions, type ZvtTerminalStep } from '../../src/zvt/terminal';

export interface WireRecord {
  from: 'ecr' | 'pt';
  hex: string;
}

export class WiredZvt {
  /** A fixed wall-clock start, so receipts show a plausible date. */
  now = Date.parse('2026-03-02T10:00:00Z');
  readonly session: zvt.ZvtEcrSession;
  readonly terminal: ZvtTerminal;
  readonly events: zvt.ZvtSessionEvent[] = [];
  readonly terminalEvents: ZvtTerminalEvent[] = [];
  readonly wire: WireRecord[] = [];
  private readonly toTerminal = new zvt.ZvtTcpDeframer();
  private readonly toEcr = new zvt.ZvtTcpDeframer();

  constructor(terminal: ZvtTerminalOptions, session: Partial<zvt.ZvtSessionOptions> = {}) {
    this.terminal = new ZvtTerminal(terminal);
    this.session = new zvt.ZvtEcrSession({ password: '000000', ...session });
  }

  ecr(step: zvt.ZvtSessionStep): zvt.ZvtSessionStep {
    this.events.push(...step.events);
    for (const bytes of step.write) {
      this.wire.push({ from: 'ecr', hex: bytes.toString('hex') });
      for (const apdu of this.toTerminal.push(bytes)) this.pt(this.terminal.receive(apdu, this.now));
    }
    return step;
  }

  pt(step: ZvtTerminalStep): void {
    this.terminalEvents.push(...step.events);
    for (const bytes of step.write) {
      this.wire.push({ from: 'pt', hex: bytes.toString('hex') });
      for (const apdu of this.toEcr.push(bytes)) this.ecr(this.session.receive(apdu, this.now));
    }
  }

  /** Moves the clock to the next deadline until `done` holds; fails if nothing is left to happen. */
  runUntil(done: () => boolean, limitMs = 24 * 3600_000): void {
    const start = this.now;
    while (!done()) {
      const next = [this.session.deadline, this.terminal.deadline].filter((d): d is number => d !== undefined);
      if (next.length === 0) throw new Error('nothing left to happen and the condition does not hold');
      this.now = Math.max(this.now, Math.min(...next));
      if (this.now - start > limitMs) throw new Error(`condition not met within ${limitMs} ms`);
      this.ecr(this.session.tick(this.now));
      this.pt(this.terminal.tick(this.now));
    }
  }

  /** The last event of a type. */
  last<T extends zvt.ZvtSessionEvent['type']>(type: T): Extract<zvt.ZvtSessionEvent, { type: T }> | undefined {
    return [...this.events].reverse().find((e): e is Extract<zvt.ZvtSessionEvent, { type: T }> => e.type === type);
  }

  has(type: zvt.ZvtSessionEvent['type']): boolean {
    return this.events.some((e) => e.type === type);
  }
}
