/**
 * The simulated terminal answers cash registers written by others, each registering and paying its own way.
 * Bytes are those the public implementations write (sources beside each case).
 */
import { zvt } from '@ecr/protocol';
import { ZvtTerminal, type ZvtTerminalStep } from '../../src/zvt/terminal';

const ACK = '800000';

/** Plays an ECR that acknowledges every terminal message at once; returns what the terminal wrote. */
function converse(terminal: ZvtTerminal, commandHex: string, now = 0): string[] {
  const out: string[] = [];
  const take = (step: ZvtTerminalStep) => {
    for (const w of step.write) {
      out.push(w.toString('hex'));
      if (!w.toString('hex').startsWith('8000') && !w.toString('hex').startsWith('84')) take(terminal.receive(apdu(ACK), now));
    }
  };
  take(terminal.receive(apdu(commandHex), now));
  for (let guard = 0; terminal.deadline !== undefined && guard < 100; guard++) {
    now = Math.max(now, terminal.deadline);
    take(terminal.tick(now));
  }
  return out;
}

function apdu(hex: string): zvt.Apdu {
  const p = zvt.parseApdu(Buffer.from(hex.replace(/\s/g, ''), 'hex'));
  if (p.kind !== 'apdu') throw new Error('not an APDU');
  return p.apdu;
}

const terminal = () => new ZvtTerminal({ outcome: 'approve', delayMs: 100 });

describe('registration as others send it', () => {
  it.each([
    ['ecrterm with its currency (test_Anmeldung)', '06 00 06 12 34 56 BA 09 78'],
    ['ecrterm register() without currency (ecr.py)', '06 00 04 12 34 56 BA'],
    ['EVerest, config DE (zvt/data/1681273860.511128000_ecr_pt.blob)', '06 00 06 12 34 56 DE 09 78'],
    ['with an empty TLV', '06 00 06 00 00 00 BE 06 00'],
    ['with a service byte and a TLV (ecrterm Registration bitmaps)', '06 00 0A 00 00 00 BE 09 78 03 00 06 00'],
  ])('%s: 80 00 00 then 06 0F with the terminal id', (_name, hex) => {
    const t = terminal();
    const out = converse(t, hex);
    expect(out[0]).toBe(ACK);
    const completion = zvt.decodeCompletion(apdu(out[1]).data);
    expect(out[1].startsWith('060f')).toBe(true);
    expect(completion.fields).toMatchObject({ terminalId: t.terminalId, currencyNumeric: '978' });
  });
});

describe('payment as others send it', () => {
  it.each([
    ['ecrterm payment(): currency and an empty TLV', '06 01 0C 04 00 00 00 00 12 50 49 09 78 06 00', 1250],
    ['ecrterm test_Zahlung_eccash: 110.00 EUR', '06 01 0A 04 00 00 00 01 10 00 49 09 78', 11000],
    ['without a currency ("can be skipped", ecrterm ecr.py)', '06 01 07 04 00 00 00 00 00 05', 5],
  ])('%s: approved with the amount asked', (_name, hex, amount) => {
    const t = terminal();
    converse(t, '06 00 04 12 34 56 BA');
    const out = converse(t, hex);
    expect(out[0]).toBe(ACK);
    const info = out.map((h) => zvt.decodeTerminalMessage(apdu(h))).find((m) => m.type === 'status-information');
    expect(info).toMatchObject({ fields: { resultCode: 0, amount, currencyNumeric: '978' } });
    expect(out[out.length - 1]).toBe('060f00');
  });

  it('without registering first and with a status enquiry first (ecrterm status() sends 05 01 03 <password>)', () => {
    const t = terminal();
    const status = converse(t, '05 01 03 12 34 56');
    expect(status[0]).toBe(ACK);
    expect(zvt.decodeStatusCompletion(apdu(status[1]).data)).toMatchObject({ terminalStatus: 0, terminalId: t.terminalId });
    const pay = converse(t, '06 01 0A 04 00 00 00 00 02 00 49 09 78');
    expect(pay[pay.length - 1]).toBe('060f00');
    // Not registered: no intermediate status and no receipt lines were asked for (config byte bits 08, 02).
    expect(pay.filter((h) => h.startsWith('04ff') || h.startsWith('06d'))).toEqual([]);
  });

  it('a status enquiry without a password (EVerest StatusEnquiry: password optional)', () => {
    const out = converse(terminal(), '05 01 00');
    expect(out[0]).toBe(ACK);
    expect(out[1].startsWith('060f')).toBe(true);
  });

  it('a command it does not know, and a second command during a payment, get 84 83 00', () => {
    const t = new ZvtTerminal({ outcome: 'approve', delayMs: 10_000 });
    expect(t.receive(apdu('06 E0 00'), 0).write.map((b) => b.toString('hex'))).toEqual(['848300']);
    t.receive(apdu('06 01 07 04 00 00 00 00 00 05'), 0);
    expect(t.receive(apdu('06 01 07 04 00 00 00 00 00 05'), 1).write.map((b) => b.toString('hex'))).toEqual(['848300']);
  });
});
