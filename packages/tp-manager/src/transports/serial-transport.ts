import { EventEmitter } from 'node:events';
import { SerialPort } from 'serialport';
import type { ByteTransport, ByteTransportEvents } from './byte-transport';

export interface SerialSettings {
  path: string;
  baudRate: number;
  dataBits: 7 | 8;
  parity: 'none' | 'even' | 'odd';
  stopBits: 1 | 2;
}

/** A serial device through the real `serialport`. */
export class SerialTransport extends EventEmitter<ByteTransportEvents> implements ByteTransport {
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
    const port = new SerialPort({ path: serialLibraryPath(path), baudRate, dataBits, parity, stopBits, autoOpen: false });
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

/**
 * The path as the serial library wants it. On Windows, @serialport/bindings-cpp prepends "\\.\" itself
 * (serialport_win.cpp, OpenBaton::Execute: "path ... has the form COMx ... We want to prepend \\\\.\\ to it",
 * copying at most 10 characters), so a SERIAL_PORT written \\.\COM10 would be opened as \\.\\\.\COM10, which
 * never opens: the library gets COM10 (issue 14 defect 7). The config loader accepts both spellings.
 */
export function serialLibraryPath(path: string, platform: NodeJS.Platform = process.platform): string {
  if (platform !== 'win32') return path;
  const com = /^\\\\[.?]\\(COM\d+)$/i.exec(path);
  return com ? com[1]!.toUpperCase() : path;
}

/**
 * One line a technician can act on. Linux: a wrong port, the dialout group. Windows (bindings-cpp's texts,
 * "Opening COM8: Access denied" / "File not found"): a COM port held by another program, or not there.
 */
export function explainOpenError(path: string, err: Error, platform: NodeJS.Platform = process.platform): string {
  const m = err.message;
  if (platform === 'win32') {
    if (/Access denied/i.test(m)) {
      return `${path} is in use by another program (Windows answered "Access denied"): close the terminal's own tool or another tp-manager, or unplug and replug the USB cable; Device Manager shows the port`;
    }
    if (/File not found|cannot find/i.test(m)) {
      return `${path} not found: check SERIAL_PORT against Device Manager (Ports (COM & LPT)) and that the terminal is plugged in and powered`;
    }
  }
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
