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
      if (config.terminalProtocol === 'zvt') {
        throw new Error('SERIAL_PORT=simulator embeds a Concert terminal only; for ZVT run `npm run simulator -- --protocol zvt --listen tcp://127.0.0.1:20007` and set SERIAL_PORT=tcp://127.0.0.1:20007');
      }
      return new EmbeddedSimulatorTransport(config.terminalProtocol);
    case 'tcp':
      // IP terminals speak Concert V3 as raw TLV and ZVT as bare APDUs; Concert V2 over TCP means a serial server: framed.
      return new TcpTransport(link.host, link.port, config.terminalProtocol !== 'concert-v2');
    case 'serial':
      return new SerialTransport({ path: link.path, baudRate: config.baudRate, ...serialFormat(config) });
  }
}

/** ZVT's serial line is 9600 baud 8N2 (zvt.md "Framing") unless SERIAL_FORMAT says otherwise. */
function serialFormat(config: Config): Config['serialFormat'] {
  if (config.terminalProtocol === 'zvt' && config.source.SERIAL_FORMAT.from === 'default') return { dataBits: 8, parity: 'none', stopBits: 2 };
  return config.serialFormat;
}
