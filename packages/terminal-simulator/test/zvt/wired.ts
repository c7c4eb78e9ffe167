/**
 * An ECR session and a simulated ZVT terminal wired together in memory, over the TCP framing (bytes through
 * a ZvtTcpDeframer each way) or the serial one (a ZvtSerialLink on each side: DLE STX ... CRC, ACK/NAK), on
 * a clock the test moves from deadline to deadline: no timers, no sleeps.
 */
import { zvt } from '@ecr/protocol';
import { ZvtTerminal, type ZvtTerminalEvent, type ZvtTerminalOptions, type ZvtTerminalStep } from '../../src/zvt/terminal';

export type Framing = 'tcp' | 'serial';

export interface WireRecord {
  from: 'ecr' | 'pt';
  /** The APDU, whatever the framing. */
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
  /** Serial framing: link events other than messages and 'sent' (none expected on a clean line). */
  readonly linkTrouble: zvt.ZvtLinkEvent[] = [];
  private readonly toTerminal = new zvt.ZvtTcpDeframer();
  private readonly toEcr = new zvt.ZvtTcpDeframer();
  private readonly ecrLink = new zvt.ZvtSerialLink({ role: 'ecr' });
  private readonly ptLink = new zvt.ZvtSerialLink({ role: 'terminal' });

  constructor(terminal: ZvtTerminalOptions, session: Partial<zvt.ZvtSessionOptions> = {}, readonly framing: Framing = 'tcp') {
    this.terminal = new ZvtTerminal(terminal);
    this.session = new zvt.ZvtEcrSession({ password: '000000', ...session });
  }

  ecr(step: zvt.ZvtSessionStep): zvt.ZvtSessionStep {
    this.events.push(...step.events);
    for (const bytes of step.write) {
      this.wire.push({ from: 'ecr', hex: bytes.toString('hex') });
      if (this.framing === 'serial') this.ecrLinkStep(this.ecrLink.send(bytes, this.now));
      else for (const apdu of this.toTerminal.push(bytes)) this.pt(this.terminal.receive(apdu, this.now));
    }
    return step;
  }

  pt(step: ZvtTerminalStep): void {
    this.terminalEvents.push(...step.events);
    for (const bytes of step.write) {
      this.wire.push({ from: 'pt', hex: bytes.toString('hex') });
      if (this.framing === 'serial') this.ptLinkStep(this.ptLink.send(bytes, this.now));
      else for (const apdu of this.toEcr.push(bytes)) this.ecr(this.session.receive(apdu, this.now));
    }
  }

  private ecrLinkStep(step: zvt.ZvtLinkStep): void {
    for (const bytes of step.write) this.ptLinkStep(this.ptLink.receive(bytes, this.now));
    for (const e of step.events) {
      if (e.type === 'message') this.ecr(this.session.receive(apduOf(e.apdu), this.now));
      else if (e.type !== 'sent') this.linkTrouble.push(e);
    }
  }

  private ptLinkStep(step: zvt.ZvtLinkStep): void {
    for (const bytes of step.write) this.ecrLinkStep(this.ecrLink.receive(bytes, this.now));
    for (const e of step.events) {
      if (e.type === 'message') this.pt(this.terminal.receive(apduOf(e.apdu), this.now));
      else if (e.type !== 'sent') this.linkTrouble.push(e);
    }
  }

  /** Moves the clock to the next deadline until `done` holds; fails if nothing is left to happen. */
  runUntil(done: () => boolean, limitMs = 24 * 3600_000): void {
    const start = this.now;
    while (!done()) {
      const next = [this.session.deadline, this.terminal.deadline, this.ecrLink.deadline, this.ptLink.deadline].filter((d): d is number => d !== undefined);
      if (next.length === 0) throw new Error('nothing left to happen and the condition does not hold');
      this.now = Math.max(this.now, Math.min(...next));
      if (this.now - start > limitMs) throw new Error(`condition not met within ${limitMs} ms`);
      this.ecrLinkStep(this.ecrLink.tick(this.now));
      this.ptLinkStep(this.ptLink.tick(this.now));
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

function apduOf(bytes: Buffer): zvt.Apdu {
  const p = zvt.parseApdu(bytes);
  if (p.kind !== 'apdu') throw new Error(`link delivered an incomplete APDU ${bytes.toString('hex')}`);
  return p.apdu;
}
