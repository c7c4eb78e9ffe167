/**
 * What the pseudo-terminal itself costs: one byte sent back and forth between the two ends of a fresh socat
 * pair, both opened with the real serialport in this process. Half a round trip is the price of one "hop"
 * (one side writes, the other reads) on the bench's line, which a payment pays once per link-layer turn.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SerialPort } from 'serialport';
import { openPtyPair } from '../test-support/pty';
import { epochMs, summarize, type Summary } from './stats';

function open(device: string): Promise<SerialPort> {
  const port = new SerialPort({ path: device, baudRate: 9600, autoOpen: false });
  return new Promise((resolve, reject) => port.open((err) => (err ? reject(err) : resolve(port))));
}

function close(port: SerialPort): Promise<void> {
  return new Promise((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve()));
}

/** One-way latency (half the round trip) of a byte over a socat pty pair, ms. */
export async function measurePtyHop(roundTrips = 200): Promise<Summary> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-bench-pty-'));
  const pair = await openPtyPair(dir);
  const a = await open(pair.ecr);
  const b = await open(pair.terminal);
  try {
    b.on('data', (chunk: Buffer) => b.write(chunk));
    const halves: number[] = [];
    for (let i = 0; i < roundTrips + 10; i++) {
      const start = epochMs();
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('pty echo: no byte back within 2 s')), 2000);
        a.once('data', () => {
          clearTimeout(timer);
          resolve();
        });
        a.write(Buffer.from([0x05]));
      });
      if (i >= 10) halves.push((epochMs() - start) / 2); // the first few warm up the poller
    }
    return summarize(halves);
  } finally {
    await close(a);
    await close(b);
    await pair.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
