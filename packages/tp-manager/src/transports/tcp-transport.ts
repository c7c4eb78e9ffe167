import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import type { ByteTransport, ByteTransportEvents } from './byte-transport';

/**
 * A TCP connection to an IP terminal or a serial-to-IP server. `raw` says whether the bytes travel without
 * the Concert link layer (Concert V3 on IP terminals) or framed (a serial server).
 */
export class TcpTransport extends EventEmitter<ByteTransportEvents> implements ByteTransport {
  readonly description: string;
  private socket?: net.Socket;

  constructor(
    private readonly host: string,
    private readonly port: number,
    readonly raw: boolean,
    private readonly connectTimeoutMs = 5000,
  ) {
    super();
    this.description = `tcp ${host}:${port}`;
  }

  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: this.host, port: this.port });
      socket.setNoDelay(true);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`terminal at ${this.host}:${this.port} did not accept the connection within ${this.connectTimeoutMs} ms`));
      }, this.connectTimeoutMs);
      socket.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new Error(`cannot connect to the terminal at ${this.host}:${this.port}: ${err.code ?? err.message}`));
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        socket.on('error', () => undefined); // 'close' follows
        socket.on('data', (chunk) => this.emit('data', chunk));
        socket.on('close', () => {
          if (this.socket !== socket) return;
          this.socket = undefined;
          this.emit('close', `connection to the terminal at ${this.host}:${this.port} closed`);
        });
        this.socket = socket;
        resolve();
      });
    });
  }

  write(bytes: Buffer): void {
    this.socket?.write(bytes);
  }

  close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    socket?.destroy();
    return Promise.resolve();
  }
}
