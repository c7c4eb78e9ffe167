/**
 * Puts a simulator on a serial device (a real one, or one end of a socat pseudo-terminal pair): bytes read
 * go to simulator.input(), the simulator's 'output' goes to the line.
 */
import { SerialPort } from 'serialport';

/** What serving needs of a simulated terminal: Concert's TerminalSimulator or the ZVT one (zvt/zvt-simulator.ts). */
export interface ServedTerminal {
  input(bytes: Buffer): void;
  reset(): void;
  peerConnected: boolean;
  on(event: 'output', listener: (bytes: Buffer) => void): unknown;
  off(event: 'output', listener: (bytes: Buffer) => void): unknown;
}

export interface ServeOptions {
  /** Told about line trouble after the start (write failed, device unplugged); default: ignored. */
  onError?: (message: string) => void;
}

export interface ServedSerial {
  readonly description: string;
  close(): Promise<void>;
}

export async function serveSerial(
  path: string,
  baudRate: number,
  simulator: ServedTerminal,
  options: ServeOptions = {},
): Promise<ServedSerial> {
  const onError = options.onError ?? (() => undefined);
  const port = new SerialPort({ path, baudRate, autoOpen: false });
  await new Promise<void>((resolve, reject) =>
    port.open((err) => (err ? reject(new Error(`cannot open serial port ${path}: ${err.message.replace(/^Error: /, '')}`)) : resolve())),
  );

  let closing = false;
  const write = (bytes: Buffer): void => {
    if (!port.isOpen) return;
    port.write(bytes, (err) => {
      if (err && !closing) onError(`cannot write to ${path}: ${err.message}`);
    });
  };
  const read = (bytes: Buffer): void => simulator.input(bytes);
  simulator.on('output', write);
  port.on('data', read);
  port.on('error', (err: Error) => {
    if (!closing) onError(`serial port ${path}: ${err.message}`);
  });
  port.on('close', (err: (Error & { disconnected?: boolean }) | null) => {
    if (!closing) onError(`serial port ${path} closed${err?.disconnected ? ': device disconnected' : ''}`);
  });

  return {
    description: path,
    close: async () => {
      if (closing) return;
      closing = true;
      simulator.off('output', write);
      port.off('data', read);
      if (!port.isOpen) return;
      await new Promise<void>((resolve) => port.drain(() => resolve()));
      await new Promise<void>((resolve) => port.close(() => resolve()));
    },
  };
}
