import type { Config } from '@ecr/common';
import type { ByteTransport } from './transports/byte-transport';
import { EmbeddedSimulatorTransport } from './transports/embedded-simulator-transport';
import { SerialTransport } from './transports/serial-transport';
import { TcpTransport } from './transports/tcp-transport';

/** SERIAL_PORT decides the pipe: a device, tcp://host:port, or the embedded simulator. */
export function makeTransport(config: Config): ByteTransport {
  const link = config.terminalLink;
  switch (link.kind) {
    case 'simulator':
      return new EmbeddedSimulatorTransport(config.terminalProtocol);
    case 'tcp':
      // IP terminals speak Concert V3 as raw TLV; Concert V2 over TCP means a serial server: framed.
      return new TcpTransport(link.host, link.port, config.terminalProtocol === 'concert-v3');
    case 'serial':
      return new SerialTransport({ path: link.path, baudRate: config.baudRate, ...config.serialFormat });
  }
}
