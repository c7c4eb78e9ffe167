/**
 * Puts a simulator on a TCP port, as an IP terminal (raw V3 TLV, port 8888 by convention) or a serial server
 * (link framing). Like a real terminal it serves one cash register at a time: a new connection replaces
 * the old one, and the simulator forgets what the old one had half sent (not the answers it still owes).
 */
import { createServer, type AddressInfo, type Socket } from 'node:net';
import type { ServedTerminal, ServeOptions } from './serve-serial';

export interface ServedTcp {
  readonly host: string;
  /** The port listened on (the chosen one when 0 was asked). */
  readonly port: number;
  readonly description: string;
  close(): Promise<void>;
}

export async function serveTcp(
  host: string,
  port: number,
  simulator: ServedTerminal,
  options: ServeOptions = {},
): Promise<ServedTcp> {
  const onError = options.onError ?? (() => undefined);
  let current: Socket | undefined;
  const write = (bytes: Buffer): void => {
    if (current && !current.destroyed) current.write(bytes);
  };
  simulator.on('output', write);
  simulator.peerConnected = false;

  const server = createServer((socket) => {
    current?.destroy();
    current = socket;
    simulator.peerConnected = true;
    simulator.reset();
    socket.setNoDelay(true);
    socket.on('data', (bytes: Buffer) => {
      if (socket === current) simulator.input(bytes);
    });
    socket.on('error', (err) => onError(`tcp connection from ${socket.remoteAddress}: ${err.message}`));
    socket.on('close', () => {
      if (socket === current) {
        current = undefined;
        simulator.peerConnected = false;
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      simulator.off('output', write);
      reject(new Error(`cannot listen on tcp://${host}:${port}: ${err.code ?? err.message}`));
    });
    server.listen(port, host, () => resolve());
  });
  const chosen = (server.address() as AddressInfo).port;
  return {
    host,
    port: chosen,
    description: `tcp://${host.includes(':') ? `[${host}]` : host}:${chosen}`,
    close: () =>
      new Promise<void>((resolve) => {
        simulator.off('output', write);
        current?.destroy();
        server.close(() => resolve());
      }),
  };
}
