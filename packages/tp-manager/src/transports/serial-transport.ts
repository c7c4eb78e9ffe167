import { EventEmitter } from 'node:events';
import { SerialPort } from 'serialport';
import type { ByteTransport } from './byte-transport';

export interface SerialSettings {
  path: string;
  baudRate: number;
  dataBits: 7 | 8;
  parity: 'none' | 'even' | 'odd';
  stopBits: 1 | 2;
}

/** A serial device through the real `serialport`. */
export class SerialTransport extends EventEmitter implements ByteTransport {
  readonly raw = false;
  readonly description: string;
  private port?: SerialPort;

  constructor(private readonly settings: SerialSettings) {
    super();
    const { path, baudRate, dataBits, parity, stopBits } = settings;
    this.description = `serial ${path} ${baudRate} ${dataBits}${parity[0]!.toUpperCase()}${stopBits}`;
  }

  open(): Promise<void> {
    const { path, baudRate, dataBits, parity, stopBits } = this.settings;
    const port = new SerialPort({ path, baudRate, dataBits, parity, stopBits, autoOpen: false });
    return new Promise((resolve, reject) => {
      port.open((err) => {
        if (err) return reject(new Error(explainOpenError(path, err)));
        this.port = port;
        port.on('data', (chunk: Buffer) => this.emit('data', chunk));
        port.on('error', () => undefined); // 'close' follows and carries the reason
        port.on('close', (closeErr?: Error & { disconnected?: boolean }) => {
          if (this.port !== port) return;
          this.port = undefined;
          this.emit('close', closeErr?.disconnected ? `serial device ${path} disconnected` : `serial device ${path} closed`);
        });
        resolve();
      });
    });
  }

  write(bytes: Buffer): void {
    this.port?.write(bytes);
  }

  close(): Promise<void> {
    const port = this.port;
    this.port = undefined;
    if (!port?.isOpen) return Promise.resolve();
    return new Promise((resolve) => port.close(() => resolve()));
  }
}

/** One line a technician can act on (the seed's troubleshooting: wrong port, dialout group). */
export function explainOpenError(path: string, err: Error): string {
  const m = err.message;
  if (/ENOENT|No such file|cannot find|File not found/i.test(m)) {
    return `serial device ${path} not found: check SERIAL_PORT and that the terminal is plugged in and powered`;
  }
  if (/EACCES|Permission denied|Access denied/i.test(m)) {
    return `permission denied on serial device ${path}: add the user to the dialout group (sudo usermod -a -G dialout USER) and log in again`;
  }
  if (/EBUSY|Resource busy|locked/i.test(m)) {
    return `serial device ${path} is in use by another program (is another tp-manager running?)`;
  }
  return `cannot open serial device ${path}: ${m}`;
}
