import { EventEmitter } from 'node:events';
import { TerminalSimulator } from '@ecr/terminal-simulator';
import type { ByteTransport, ByteTransportEvents } from './byte-transport';

/**
 * SERIAL_PORT=simulator: the terminal simulator runs inside tp-manager and the bytes go through memory,
 * framed by the same Concert link layer as on a serial line. For demos and a first `npm start`.
 */
export class EmbeddedSimulatorTransport extends EventEmitter<ByteTransportEvents> implements ByteTransport {
  readonly raw = false;
  readonly description = 'embedded terminal simulator';
  private simulator?: TerminalSimulator;

  constructor(
    private readonly protocol: 'concert-v2' | 'concert-v3',
    private readonly delayMs = 1500,
  ) {
    super();
  }

  open(): Promise<void> {
    const simulator = new TerminalSimulator({ protocol: this.protocol, framing: 'link', outcome: 'approve', delayMs: this.delayMs });
    // setImmediate: bytes arrive later, as on a line, never inside the writer's call stack.
    simulator.on('output', (bytes: Buffer) => setImmediate(() => this.emit('data', bytes)));
    this.simulator = simulator;
    return Promise.resolve();
  }

  write(bytes: Buffer): void {
    const simulator = this.simulator;
    if (simulator) setImmediate(() => simulator.input(bytes));
  }

  close(): Promise<void> {
    this.simulator?.close();
    this.simulator = undefined;
    return Promise.resolve();
  }
}
