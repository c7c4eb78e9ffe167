/**
 * SERIAL_PORT decides the pipe to the terminal (design.md, "Configuration"): what makeTransport builds from
 * a real config.txt text, what a technician reads in its description and errors, and a payment end to end
 * over the embedded simulator (SERIAL_PORT=simulator, the first `npm start`).
 */
import * as net from 'node:net';
import { parseConfig, type Config } from '@ecr/common';
import { concertV2Codec } from '../src/drivers/concert-v2-codec';
import { concertV3Codec } from '../src/drivers/concert-v3-codec';
import { LinkChannel } from '../src/drivers/link-channel';
import { TerminalDriver, type DecodedAnswer } from '../src/drivers/terminal-driver';
import { makeTransport } from '../src/make-transport';
import { EmbeddedSimulatorTransport } from '../src/transports/embedded-simulator-transport';
import { Line } from '../src/transports/line';
import { SerialTransport } from '../src/transports/serial-transport';
import { TcpTransport } from '../src/transports/tcp-transport';

const quiet = { info: () => undefined, warn: () => undefined, debug: () => undefined };

function config(lines: Record<string, string>): Config {
  const text = Object.entries({
    LOCAL_PORT: '8080',
    TERMINAL_MANAGER_LOGIN: 'log',
    TERMINAL_MANAGER_PWD: 'pwd',
    HIPAY_LOGIN: 'sandbox',
    HIPAY_PWD: 'sandbox-password',
    UPDATE_TIME: '04:00',
    ...lines,
  })
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
  return parseConfig(text, { dataDir: '/tmp/make-transport-test' });
}

describe('makeTransport: which pipe SERIAL_PORT names', () => {
  test('a serial device, at BAUD_RATE and SERIAL_FORMAT', () => {
    const transport = makeTransport(config({ SERIAL_PORT: '/dev/ttyUSB0', BAUD_RATE: '19200', SERIAL_FORMAT: '7E1' }));
    expect(transport).toBeInstanceOf(SerialTransport);
    expect(transport.raw).toBe(false);
    expect(transport.description).toBe('serial /dev/ttyUSB0 19200 7E1');
  });

  test('ZVT on a serial line is 9600 8N2 unless SERIAL_FORMAT says otherwise (zvt.md "Framing")', () => {
    expect(makeTransport(config({ SERIAL_PORT: '/dev/ttyUSB0', TERMINAL_PROTOCOL: 'zvt' })).description).toBe('serial /dev/ttyUSB0 9600 8N2');
    expect(makeTransport(config({ SERIAL_PORT: '/dev/ttyUSB0', TERMINAL_PROTOCOL: 'zvt', SERIAL_FORMAT: '8N1' })).description).toBe('serial /dev/ttyUSB0 9600 8N1');
    expect(makeTransport(config({ SERIAL_PORT: '/dev/ttyUSB0', TERMINAL_PROTOCOL: 'concert-v3' })).description).toBe('serial /dev/ttyUSB0 9600 8N1');
  });

  test('tcp://host:port: raw for Concert V3 and ZVT (IP terminals), framed for Concert V2 (a serial server)', () => {
    const raw = (protocol: string) => makeTransport(config({ SERIAL_PORT: 'tcp://10.0.0.5:8888', TERMINAL_PROTOCOL: protocol }));
    expect(raw('concert-v3')).toBeInstanceOf(TcpTransport);
    expect(raw('concert-v3').description).toBe('tcp 10.0.0.5:8888');
    expect([raw('concert-v3').raw, raw('zvt').raw, raw('concert-v2').raw]).toEqual([true, true, false]);
  });

  test('simulator: the embedded Concert terminal, framed by the link layer', () => {
    const transport = makeTransport(config({ SERIAL_PORT: 'simulator', TERMINAL_PROTOCOL: 'concert-v2' }));
    expect(transport).toBeInstanceOf(EmbeddedSimulatorTransport);
    expect([transport.raw, transport.description]).toEqual([false, 'embedded terminal simulator']);
  });

  test('simulator with ZVT is refused with the command that runs a ZVT simulator instead', () => {
    expect(() => makeTransport(config({ SERIAL_PORT: 'simulator', TERMINAL_PROTOCOL: 'zvt' }))).toThrow(
      'SERIAL_PORT=simulator embeds a Concert terminal only; for ZVT run `npm run simulator -- --protocol zvt --listen tcp://127.0.0.1:20007` and set SERIAL_PORT=tcp://127.0.0.1:20007',
    );
  });
});

describe('makeTransport: opening what it built', () => {
  test('a serial device that is not there: one line naming the key to check', async () => {
    const transport = makeTransport(config({ SERIAL_PORT: '/dev/ttyECR-not-there' }));
    await expect(transport.open()).rejects.toThrow('serial device /dev/ttyECR-not-there not found: check SERIAL_PORT and that the terminal is plugged in and powered');
  });

  test('a TCP terminal that refuses: one line with the address and the reason', async () => {
    // A port just freed: nothing listens on it.
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise((r) => server.close(r));
    const transport = makeTransport(config({ SERIAL_PORT: `tcp://127.0.0.1:${port}` }));
    await expect(transport.open()).rejects.toThrow(`cannot connect to the terminal at 127.0.0.1:${port}: ECONNREFUSED`);
  });
});

describe.each([
  ['concert-v3', concertV3Codec],
  ['concert-v2', concertV2Codec],
] as const)('SERIAL_PORT=simulator, %s: a payment end to end in process', (protocol, codec) => {
  test('money rule 4: approved for the amount and currency asked, with the reference sent', async () => {
    const transport = makeTransport(config({ SERIAL_PORT: 'simulator', TERMINAL_PROTOCOL: protocol }));
    const line = new Line(transport, quiet);
    const driver = new TerminalDriver(new LinkChannel(line, quiet), codec);
    const answer = new Promise<DecodedAnswer>((resolve) => driver.once('answer', resolve));
    await line.start();
    try {
      expect(line.state).toBe('connected');
      await expect(driver.probe()).resolves.toBe(true);
      await driver.sendPayment({ amount: 250, currencyNumeric: '978', reference: '0000000042' });
      const { ref, result } = await answer;
      expect(ref).toBe('0000000042');
      expect(result).toMatchObject({ outcome: 'approved', amount: 250, currencyNumeric: '978' });
    } finally {
      driver.close();
      await line.close();
    }
  });
});

test('the embedded simulator after close(): writes go nowhere and nothing comes back', async () => {
  const transport = new EmbeddedSimulatorTransport('concert-v3', 0);
  const data: Buffer[] = [];
  transport.on('data', (d) => data.push(d));
  await transport.open();
  transport.write(Buffer.from([0x05])); // ENQ: an open simulator answers ACK
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  expect(data).toEqual([Buffer.from([0x06])]);
  await transport.close();
  transport.write(Buffer.from([0x05]));
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  expect(data).toEqual([Buffer.from([0x06])]);
  await transport.close(); // twice is harmless
});
