/**
 * What a technician finds in data/logs after a day of payments: daily JSON-line files, one line per payment
 * with its orderId, outcome and duration, and never a full card number nor a password. Concert V2 on
 * purpose: its full answer carries the card number in clear on the wire, and a real Telium pads it with
 * zeros to 55 characters (Ousret/pyTeliumManager README), so one payment plays that report.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { luhnValid } from '@ecr/common';
import { TEST_CARD } from '@ecr/terminal-simulator';
import { ConnectorUnderTest, HASH_KEY, HIPAY_PASSWORD, LOGIN, PASSWORD } from '../../test-support/connector';

/** The card presented (the simulator's cardNumber form): Luhn-valid, middle digits a log holds nowhere else. */
const CARD = '4970107319285517';
/** The middle digits a mask hides, and every run of 5 of them: none may appear. */
const HIDDEN_RUNS = Array.from({ length: CARD.length - 14 }, (_, i) => CARD.slice(6 + i, 11 + i));

/**
 * Card-like tokens (13 or more digits and X) holding 5 hidden digits of the card. Only such tokens are
 * searched: 5 digits in a timestamp, a port or a reference are not a card number.
 */
function cardTokensShowingHiddenDigits(text: string): string[] {
  return (text.match(/[0-9X]{13,}/g) ?? []).filter((token) => HIDDEN_RUNS.some((run) => token.includes(run)));
}

type Receipt = { receipt: { primaryAccountNumber?: string } | null };

describe('the log files after payments', () => {
  let connector: ConnectorUnderTest;
  let files: { name: string; text: string }[];
  let answers: string[];
  let databases: string;
  let atHipay: string;
  const receiptPans: (string | undefined)[] = [];

  beforeAll(async () => {
    connector = await ConnectorUnderTest.start({ protocol: 'concert-v2' });
    answers = [];
    const pay = async (amount: number, orderId: string): Promise<void> => {
      const answer = await connector.post('/order', { amount, orderId });
      answers.push(answer.text);
      receiptPans.push((answer.body as Receipt[])[0]?.receipt?.primaryAccountNumber);
    };
    await pay(1100, 'Order_logs_0'); // the test card
    await connector.setTerminal({ answers: { cardNumber: CARD } });
    await pay(1101, 'Order_logs_1');
    await connector.setTerminal({ answers: { cardNumber: CARD, reportPadding: 'zeros' } });
    await pay(1102, 'Order_logs_2');
    await connector.get('/check', { auth: `Basic ${Buffer.from(`${LOGIN}:not-${PASSWORD}`).toString('base64')}` });
    await connector.setTerminal({ outcome: 'decline', answers: { cardNumber: CARD, reportPadding: 'spaces' } });
    await pay(1200, 'Order_logs_declined');
    for (const orderId of ['Order_logs_1', 'Order_logs_2']) answers.push((await connector.get(`/order/${orderId}`)).text);
    atHipay = JSON.stringify(connector.sandbox.orders());
    await connector.close(); // flushes and closes the files
    const dir = path.join(connector.dataDir, 'logs');
    files = fs.readdirSync(dir).map((name) => ({ name, text: fs.readFileSync(path.join(dir, name), 'utf8') }));
    // The journal and the order book, as the bytes on disk (SQLite keeps text as it is).
    databases = ['tp-manager.db', 'supervisor.db'].map((f) => fs.readFileSync(path.join(connector.dataDir, f)).toString('latin1')).join('\n');
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
    for (const pan of [TEST_CARD.pan, CARD]) expect(all).not.toContain(pan);
    const fullPans = (all.match(/(?<!\d)\d{13,}(?!\d)/g) ?? []).filter((d) => d.startsWith('497010') && (luhnValid(d.slice(0, 16)) || luhnValid(d)));
    expect(fullPans).toEqual([]);
    expect(cardTokensShowingHiddenDigits(all)).toEqual([]);
    for (const secret of [PASSWORD, HIPAY_PASSWORD, HASH_KEY, Buffer.from(`${LOGIN}:${PASSWORD}`).toString('base64')]) {
      expect(all).not.toContain(secret);
    }
  });

  test('the receipt shows the card exactly masked: first 6 and last 4, or the last 2 when a zero-padded report leaves the length open', () => {
    // 4970107319285517 followed by zeros passes Luhn as 16 or 18 digits (@ecr/common pan.ts).
    expect(receiptPans).toEqual(['497010XXXXXX0014', '497010XXXXXX5517', '497010XXXXXXXX17', undefined]);
  });

  test('nothing between the first 6 and the last 4 in the HTTP answers, the journal, the order book or at HiPay', () => {
    // Where the card is kept at all, it is in its exact masked form.
    for (const masked of ['497010XXXXXX5517', '497010XXXXXXXX17']) expect(answers.join('\n') + databases).toContain(masked);
    for (const where of [answers.join('\n'), databases, atHipay]) {
      expect(where).not.toContain(CARD);
      expect(cardTokensShowingHiddenDigits(where)).toEqual([]);
    }
  });
});
