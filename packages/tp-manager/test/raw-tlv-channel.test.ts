/**
 * Concert V3 over real TCP: a real TcpTransport and Line to a net server playing the terminal's bytes.
 * Answers are never lost or glued together (money rule 3 needs each one whole), and the HiPay Nepting
 * profile ends each request with CR/LF while the generic one sends none.
 */
import * as net from 'node:net';
import { RawTlvChannel } from '../src/drivers/raw-tlv-channel';
import { Line } from '../src/transports/line';
import { TcpTransport } from '../src/transports/tcp-transport';

// The reference exchange with akretion/caisse-ap-ip (packages/protocol/test/vectors/concert-v3.json).
const REQUEST = 'CZ0040300CJ012012345678901CA00201CE003978BA0010CD0010CB0041234';
const APPROVED =
  'CZ0040300CJ012012345678901CA00201CE003978BA0010CD0010CB0041234AE00210CC003001CI0011AC006912773AA016293540######4260AI021A00000000808111225912AB0042707CF0101010000000CG006424242';
const ABANDONED = 'CZ0040300CJ012012345678901CA00201CE003978BA0010CD0010CB0041234AE00201AF00211';

const quiet = { info: () => undefined, warn: () => undefined, debug: () => undefined };

async function withTerminal(
  profile: { requestSuffix?: Buffer },
  run: (ctx: { channel: RawTlvChannel; terminal: () => net.Socket; received: () => string; messages: string[] }) => Promise<void>,
): Promise<void> {
  let socket: net.Socket | undefined;
  let received = '';
  const server = net.createServer((s) => {
    socket = s;
    s.on('data', (d) => (received += d.toString('latin1')));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const line = new Line(new TcpTransport('127.0.0.1', port, true), quiet);
  const channel = new RawTlvChannel(line, quiet, profile);
  const messages: string[] = [];
  channel.on('message', (m: Buffer) => messages.push(m.toString('latin1')));
  await line.start();
  await waitFor(() => socket !== undefined);
  try {
    await run({ channel, terminal: () => socket!, received: () => received, messages });
  } finally {
    channel.close();
    await line.close();
    socket?.destroy();
    await new Promise((r) => server.close(r));
  }
}

async function waitFor(ok: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('RawTlvChannel over TCP', () => {
  test('money rule 3: two answers in one read arrive as two messages', async () => {
    await withTerminal({}, async ({ channel, terminal, messages }) => {
      await channel.send(Buffer.from(REQUEST, 'latin1'));
      terminal().write(APPROVED + ABANDONED);
      await waitFor(() => messages.length === 2);
      expect(messages).toEqual([APPROVED, ABANDONED]);
    });
  });

  test('an answer split over TCP segments is one message, taken once its last byte is there', async () => {
    await withTerminal({}, async ({ channel, terminal, messages }) => {
      await channel.send(Buffer.from(REQUEST, 'latin1'));
      const t = terminal();
      t.write(APPROVED.slice(0, 50));
      await new Promise((r) => setTimeout(r, 30));
      expect(messages).toEqual([]);
      t.write(APPROVED.slice(50));
      await waitFor(() => messages.length === 1);
      expect(messages).toEqual([APPROVED]);
    });
  });

  test('leftovers of an earlier exchange and CR/LF are skipped, the answer kept', async () => {
    await withTerminal({}, async ({ channel, terminal, messages }) => {
      await channel.send(Buffer.from(REQUEST, 'latin1'));
      terminal().write(`AF00211\r\n${APPROVED}\r\n`);
      await waitFor(() => messages.length === 1);
      expect(messages).toEqual([APPROVED]);
    });
  });

  test('generic profile: the request goes as it is, no CR/LF (Ingenico would read it as a broken tag)', async () => {
    await withTerminal({}, async ({ channel, received }) => {
      await channel.send(Buffer.from(REQUEST, 'latin1'));
      await waitFor(() => received().length >= REQUEST.length);
      await new Promise((r) => setTimeout(r, 20));
      expect(received()).toBe(REQUEST);
    });
  });

  test("hipay-nepting profile: each request ends with CR/LF (HiPay's Local API for Nepting)", async () => {
    await withTerminal({ requestSuffix: Buffer.from('\r\n') }, async ({ channel, received }) => {
      await channel.send(Buffer.from(REQUEST, 'latin1'));
      await waitFor(() => received().length >= REQUEST.length + 2);
      expect(received()).toBe(`${REQUEST}\r\n`);
    });
  });
});
