/** fast-check properties of the ZVT codecs: round trips, any split of a stream, random bytes never throw. */
import fc from 'fast-check';
import { zvt } from '../../src';

const apduArb = fc.record({
  cls: fc.integer({ min: 0, max: 255 }),
  instr: fc.integer({ min: 0, max: 255 }),
  // Mostly short, sometimes past 254 bytes to use the extended length.
  data: fc.oneof({ weight: 4, arbitrary: fc.uint8Array({ maxLength: 40 }) }, { weight: 1, arbitrary: fc.uint8Array({ minLength: 250, maxLength: 700 }) }),
});

function splitAt(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    chunks.push(bytes.subarray(from, p));
    from = p;
  }
  return chunks;
}

describe('APDU', () => {
  it('encode then parse gives the same APDU and takes every byte', () => {
    fc.assert(
      fc.property(apduArb, ({ cls, instr, data }) => {
        const bytes = zvt.encodeApdu(cls, instr, data);
        expect(bytes[2] === 0xff).toBe(data.length >= 255);
        const parsed = zvt.parseApdu(bytes);
        expect(parsed).toEqual({ kind: 'apdu', apdu: { cls, instr, data: Buffer.from(data) }, size: bytes.length });
      }),
    );
  });

  it('every proper prefix of an APDU is "need more", never an error', () => {
    fc.assert(
      fc.property(apduArb, fc.nat(), ({ cls, instr, data }, cut) => {
        const bytes = zvt.encodeApdu(cls, instr, data);
        expect(zvt.parseApdu(bytes.subarray(0, cut % bytes.length)).kind).toBe('need-more');
      }),
    );
  });
});

describe('TCP deframer', () => {
  it('any split of a stream of APDUs gives the same APDUs in order', () => {
    fc.assert(
      fc.property(fc.array(apduArb, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 30 }), (apdus, cuts) => {
        const stream = Buffer.concat(apdus.map((a) => zvt.encodeApdu(a.cls, a.instr, a.data)));
        const deframer = new zvt.ZvtTcpDeframer();
        const out = splitAt(stream, cuts).flatMap((chunk) => deframer.push(chunk));
        expect(out).toEqual(apdus.map((a) => ({ cls: a.cls, instr: a.instr, data: Buffer.from(a.data) })));
        expect(deframer.pending).toBe(0);
      }),
    );
  });
});

describe('serial framing', () => {
  it('frame then unframe gives the APDU back, whatever DLE bytes it holds', () => {
    const withDle = fc.uint8Array({ maxLength: 60 }).map((a) => Buffer.from(a.map((b) => (b % 3 === 0 ? 0x10 : b))));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)), withDle), (apdu) => {
        const frame = zvt.frameZvtSerial(apdu);
        // Between DLE STX and DLE ETX no DLE stands alone.
        const inner = frame.subarray(2, frame.length - 4);
        for (let i = 0; i < inner.length; i++) if (inner[i] === 0x10) expect(inner[++i]).toBe(0x10);
        expect(zvt.unframeZvtSerial(frame)).toEqual({ ok: true, value: apdu });
      }),
    );
  });

  it('a receiving link delivers the same APDUs, ACKs each frame once, however the bytes are split', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 80 }), { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 40 }), fc.constantFrom<'ecr' | 'terminal'>('ecr', 'terminal'), (apdus, cuts, role) => {
        const stream = Buffer.concat(apdus.map((a) => zvt.frameZvtSerial(a)));
        const link = new zvt.ZvtSerialLink({ role });
        const messages: Buffer[] = [];
        const written: Buffer[] = [];
        for (const chunk of splitAt(stream, cuts)) {
          const step = link.receive(chunk, 0);
          written.push(...step.write);
          for (const e of step.events) {
            expect(e.type).toBe('message');
            if (e.type === 'message') messages.push(e.apdu);
          }
        }
        expect(messages).toEqual(apdus.map((a) => Buffer.from(a)));
        expect(Buffer.concat(written)).toEqual(Buffer.alloc(apdus.length, 0x06));
        expect(link.idle).toBe(true);
      }),
    );
  });
});

describe('decoders never throw on random bytes', () => {
  it('APDU, BMP, TLV, serial, terminal messages, ECR commands, status completion', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), (raw, cls, instr) => {
        const data = Buffer.from(raw);
        zvt.parseApdu(data);
        zvt.parseBmps(data);
        zvt.parseTlv(data);
        zvt.unframeZvtSerial(data);
        zvt.decodeStatusCompletion(data);
        zvt.decodeCompletion(data);
        zvt.decodePanBmp(data);
        const apdu = { cls, instr, data };
        zvt.decodeTerminalMessage(apdu);
        zvt.decodeEcrCommand(apdu);
        for (const [c, i] of [[0x04, 0x0f], [0x04, 0xff], [0x06, 0xd3], [0x06, 0x00], [0x06, 0x01], [0x05, 0x01]]) {
          zvt.decodeTerminalMessage({ cls: c, instr: i, data });
          zvt.decodeEcrCommand({ cls: c, instr: i, data });
        }
        new zvt.ZvtTcpDeframer().push(data);
        new zvt.ZvtSerialLink({ role: 'ecr' }).receive(data, 0);
      }),
      { numRuns: 500 },
    );
  });

  it('an unknown BMP ends the parse with an error naming it, keeping the fields before it', () => {
    const parsed = zvt.parseBmps(Buffer.from('2700' + '4909 78'.replace(' ', '') + '99ffff', 'hex'));
    expect(parsed.bmps.map((b) => b.tag)).toEqual([0x27, 0x49]);
    expect(parsed.error).toMatch(/^unknown BMP 99 at byte 5/);
  });
});

describe('BMP and TLV round trips', () => {
  it('status information fields survive encode then decode; the PAN comes back masked', () => {
    fc.assert(
      fc.property(
        fc.record({
          resultCode: fc.integer({ min: 0, max: 255 }),
          amount: fc.integer({ min: 0, max: 999_999_999_999 }),
          currencyNumeric: fc.integer({ min: 0, max: 999 }).map((n) => String(n).padStart(3, '0')),
          traceNumber: fc.integer({ min: 0, max: 999_999 }),
          receiptNumber: fc.integer({ min: 0, max: 9999 }),
          terminalId: fc.integer({ min: 0, max: 99_999_999 }).map((n) => String(n).padStart(8, '0')),
          pan: fc.stringMatching(/^\d{13,19}$/),
          cardName: fc.stringMatching(/^[A-Za-z ]{1,20}$/),
          text: fc.string({ maxLength: 200 }).map((s) => s.replace(/[^\x20-\x7e]/g, 'x')),
        }),
        (f) => {
          const apdu = zvt.parseApdu(zvt.encodeStatusInformation({ resultCode: f.resultCode, amount: f.amount, currencyNumeric: f.currencyNumeric, traceNumber: f.traceNumber, receiptNumber: f.receiptNumber, terminalId: f.terminalId, pan: f.pan, cardName: f.cardName, additionalText: f.text }));
          if (apdu.kind !== 'apdu') throw new Error('not an APDU');
          const m = zvt.decodeTerminalMessage(apdu.apdu);
          if (m.type !== 'status-information') throw new Error(m.type);
          expect(m.error).toBeUndefined();
          expect(m.fields).toMatchObject({ resultCode: f.resultCode, amount: f.amount, currencyNumeric: f.currencyNumeric, terminalId: f.terminalId, cardName: f.cardName.trimEnd() });
          expect(Number(m.fields.traceNumber)).toBe(f.traceNumber);
          expect(Number(m.fields.receiptNumber)).toBe(f.receiptNumber);
          expect(m.fields.maskedPan).toBe(f.pan.slice(0, 6) + 'X'.repeat(f.pan.length - 10) + f.pan.slice(-4));
        },
      ),
    );
  });

  it('TLV with short and long BER lengths and nested containers survives encode then parse', () => {
    const leaf = fc.record({ tag: fc.constantFrom(0x07, 0x09, 0x1f44, 0x43, 0x1f10), value: fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)) });
    fc.assert(
      fc.property(fc.array(fc.oneof(leaf, fc.array(leaf, { maxLength: 4 }).map((children) => zvt.tlvContainer(0x25, children))), { maxLength: 5 }), (nodes) => {
        const parsed = zvt.parseTlv(zvt.encodeTlv(nodes));
        expect(parsed.ok).toBe(true);
        if (parsed.ok) expect(zvt.encodeTlv(parsed.value)).toEqual(zvt.encodeTlv(nodes));
      }),
    );
  });
});
