/**
 * What a technician finds in data/logs after a day of payments: daily JSON-line files, one line per payment
 * with its orderId, outcome and duration, and never a full card number nor a password. Concert V2 on
 * purpose: its full answer carries the card number in clear on the wire.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { luhnValid } from '@ecr/common';
import { TEST_CARD } from '@ecr/terminal-simulator';
import { ConnectorUnderTest, HASH_KEY, HIPAY_PASSWORD, LOGIN, PASSWORD } from '../../test-support/connector';

describe('the log files after payments', () => {
  let connector: ConnectorUnderTest;
  let files: { name: string; text: string }[];

  beforeAll(async () => {
    connector = await ConnectorUnderTest.start({ protocol: 'concert-v2' });
    for (let i = 0; i < 3; i++) await connector.post('/order', { amount: 1100 + i, orderId: `Order_logs_${i}` });
    await connector.get('/check', { auth: `Basic ${Buffer.from(`${LOGIN}:not-${PASSWORD}`).toString('base64')}` });
    await connector.setTerminal({ outcome: 'decline' });
    await connector.post('/order', { amount: 1200, orderId: 'Order_logs_declined' });
    await connector.close(); // flushes and closes the files
    const dir = path.join(connector.dataDir, 'logs');
    files = fs.readdirSync(dir).map((name) => ({ name, text: fs.readFileSync(path.join(dir, name), 'utf8') }));
  }, 60_000);

  test('daily files of JSON lines for each process', () => {
    const daily = files.filter((f) => /^(tp-manager|supervisor)-\d{4}-\d{2}-\d{2}\.log$/.test(f.name));
    expect(daily.map((f) => f.name.split('-20')[0]).sort()).toEqual(['supervisor', 'tp-manager']);
    for (const f of daily) for (const line of f.text.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });

  test('one line per payment with orderId, outcome and duration', () => {
    const tp = files.find((f) => f.name.startsWith('tp-manager-'))!;
    const payments = tp.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { message: string; orderId?: string; outcome?: string; durationMs?: number })
      .filter((l) => l.message.startsWith('payment orderId='));
    expect(payments.map((p) => [p.orderId, p.outcome])).toEqual([
      ['Order_logs_0', 'approved'],
      ['Order_logs_1', 'approved'],
      ['Order_logs_2', 'approved'],
      ['Order_logs_declined', 'declined'],
    ]);
    for (const p of payments) expect(p.durationMs).toEqual(expect.any(Number));
  });

  test('no full card number, no password, no Basic credentials in any file', () => {
    const all = files.map((f) => f.text).join('\n');
    expect(all).not.toContain(TEST_CARD.pan);
    const fullPans = (all.match(/(?<!\d)\d{13,19}(?!\d)/g) ?? []).filter((d) => luhnValid(d) && d.startsWith(TEST_CARD.pan.slice(0, 6)));
    expect(fullPans).toEqual([]);
    for (const secret of [PASSWORD, HIPAY_PASSWORD, HASH_KEY, Buffer.from(`${LOGIN}:${PASSWORD}`).toString('base64')]) {
      expect(all).not.toContain(secret);
    }
  });
});
