/**
 * A byte pipe to the terminal: a serial device, a TCP connection or the embedded simulator. A transport
 * never knows a message; the driver above it never knows which pipe it has.
 * Events: 'data' (Buffer), 'close' (reason: string) when the line drops by itself.
 */
import type { EventEmitter } from 'node:events';

/** What a transport emits: the terminal's bytes, and the line dropping by itself (with a one-line reason). */
export interface ByteTransportEvents {
  data: [chunk: Buffer];
  close: [reason: string];
}

export interface ByteTransport extends EventEmitter<ByteTransportEvents> {
  /** For log lines: "serial /dev/ttyUSB0 9600 8N1", "tcp 10.0.0.5:8888", "embedded simulator". */
  readonly description: string;
  /** True when bytes travel raw (Concert V3 over TCP); false when the Concert link layer frames them. */
  readonly raw: boolean;
  /** Rejects with an Error whose message says in one line why (device missing, permission, refused). */
  open(): Promise<void>;
  write(bytes: Buffer): void;
  close(): Promise<void>;
}
