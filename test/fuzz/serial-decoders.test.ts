/**
 * Fuzzing what tp-manager does with the terminal's bytes: valid Concert V2 / V3 answers from the encoders of
 * @ecr/protocol, carrying a full card number as a terminal may send it (V2 report, V3 AA, ticket lines), then
 * spoiled (bytes flipped, dropped, duplicated, inserted, cut, V3 tags renamed) and fed to the ECR side of
 * ConcertLink and the answer decoders and result mappings, as LinkChannel and the codecs do.
 * Properties: nothing throws, and no result ever holds a full card number.
 * (packages/protocol/test already checks round trips, random bytes and LRC corruption; this adds answers
 * with real card numbers, spoiled after encoding, all the way to the PaymentResult.)
 */
import fc from 'fast-check';
import { luhnValid, maskPan, maskZeroPaddedPan, type PaymentResult } from '@ecr/common';
import {
  ConcertLink,
  ENQ,
  EOT,
  ETX,
  STX,
  decodeV2Answer,
  decodeV3Answer,
  encodeTlv,
  encodeV2Answer,
  encodeV3Answer,
  lrc,
  parseTlv,
  v2AnswerToResult,
  v3AnswerToResult,
  type V3Answer,
} from '@ecr/protocol';

// ---- card numbers: Luhn-valid, 16 to 19 digits. Their middle digits (the part a mask hides) are random 5 to
// 9 and every other digit of an answer is 0 to 4 (issuer prefix, amount, expiry, authorisation...), so a run of
// 5 middle digits in a result can only come from the card number.

function luhnCheckDigit(body: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(body + d)) return String(d);
  throw new Error('unreachable');
}

const lowDigits = (n: number) => fc.array(fc.integer({ min: 0, max: 4 }), { minLength: n, maxLength: n }).map((d) => d.join(''));

const panArb = fc
  .tuple(fc.constantFrom('4', '3'), lowDigits(5), fc.integer({ min: 16, max: 19 }), fc.array(fc.integer({ min: 5, max: 9 }), { minLength: 9, maxLength: 9 }), lowDigits(3))
  .map(([first, issuer, length, middle, tail]) => {
    const body = first + issuer + middle.slice(0, length - 10).join('') + tail;
    return body + luhnCheckDigit(body);
  });

/** The digits a mask hides (between the first 6 and the last 4). */
const hidden = (pan: string) => pan.slice(6, -4);

/** Runs of 5 of a card number's hidden digits: none may appear, whichever way a mask went wrong. */
const hiddenRuns = (pan: string): string[] => Array.from({ length: hidden(pan).length - 4 }, (_, i) => hidden(pan).slice(i, i + 5));

/**
 * A full card number in the text: a Luhn-valid run of 13 to 19 digits, or a zero-padded one, holding 5 hidden
 * digits of one of the cards we put in the frames. (Spoiled bytes can turn a card number into digits that are
 * no card number any more, which no masker recognises: those are not counted here; unspoiled answers are held
 * to exactShown below.)
 */
function fullPanIn(text: string, pans: readonly string[]): string | undefined {
  for (const run of text.match(/(?<!\d)\d{13,}(?!\d)/g) ?? []) {
    const card = run.length <= 19 ? luhnValid(run) : [13, 14, 15, 16, 17, 18, 19].some((n) => /^0*$/.test(run.slice(n)) && luhnValid(run.slice(0, n)));
    if (card && pans.some((p) => hiddenRuns(p).some((h) => run.includes(h)))) return run;
  }
  return pans.find((p) => text.includes(p));
}

/** Unspoiled answers: not one run of 5 hidden digits anywhere in the result, masked or not. */
function expectOnlyFirst6Last4(text: string, pans: readonly string[]): void {
  for (const p of pans) for (const h of hiddenRuns(p)) if (text.includes(h)) throw new Error(`5 hidden digits ${h} of ${p} shown: ${text}`);
}

// ---- valid answers, as terminals send them

const digitsArb = lowDigits;
const amountArb = lowDigits(8).map((d) => Number(d) || 1);

const v2AnswerArb = fc.record({
  pan: panArb,
  status: fc.constantFrom('0', '7', '9'),
  amount: amountArb,
  full: fc.boolean(),
  // A real Telium pads the card number with zeros to 55 characters (Ousret/pyTeliumManager README).
  zeroPadded: fc.boolean(),
  expiry: digitsArb(4),
  auth: digitsArb(6),
}).map(({ pan, status, amount, full, zeroPadded, expiry, auth }) => ({
  pans: full ? [pan] : [],
  // The receipt's card number, as the one masker gives it (packages/protocol/test/pan.test.ts pins it down).
  // (A 19-digit number runs into the expiry in this layout: its end cannot be seen, so no card number is given.)
  maskedPans: !full ? [] : zeroPadded ? [maskZeroPaddedPan(pan.padEnd(55, '0'))!] : pan.length < 19 ? [maskPan(pan)] : [],
  payload: encodeV2Answer({
    posNumber: '01',
    status: status as '0' | '7' | '9',
    amount,
    paymentMeans: '1',
    // PAN (19) | expiry (4) | authorisation (6) | reading mode (1) | contract (7) | AID (14) | label (4)
    report: full ? (zeroPadded ? pan.padEnd(55, '0') : `${pan.padEnd(19)}${expiry}${auth}11234000A0000000421010CB  `) : undefined,
    currencyNumeric: '978',
    privateField: '0000000001',
  }),
}));

const v3AnswerArb = fc.record({
  pan: panArb,
  ticketPan: panArb,
  status: fc.constantFrom('10', '01', '11'),
  reason: fc.constantFrom('04', '11', '08', undefined),
  amount: amountArb,
  auth: digitsArb(6),
  expiry: digitsArb(4),
  panInTicket: fc.boolean(),
  // Terminals leave fields out; which ones varies by maker and card.
  omit: fc.subarray(['cardExpiry', 'authorisationNumber', 'aid', 'readingMode', 'merchantContract', 'application', 'ticket'] as const),
}).map(({ pan, ticketPan, status, reason, amount, auth, expiry, panInTicket, omit }) => {
  const answer: V3Answer = {
    version: '0320',
    ecrId: '000000000001',
    posNumber: '01',
    amount,
    action: 'debit',
    currencyNumeric: '978',
    privateData: '0000000001',
    status: status as V3Answer['status'],
    reason: status === '01' ? reason : undefined,
    pan, // unmasked, as some terminals send AA
    cardExpiry: expiry,
    authorisationNumber: auth,
    aid: 'A0000000421010',
    readingMode: '1',
    merchantContract: '1234567',
    application: '001',
    ticket: ['CARTE BANCAIRE', panInTicket ? ticketPan : 'XXXXXXXXXXXX0014', `NO AUTO:${auth}`, 'MONTANT REEL:8,99 EUR'],
  };
  for (const key of omit) delete answer[key];
  const ticketShown = panInTicket && !omit.includes('ticket');
  return { pans: [pan, ticketPan], maskedPans: [maskPan(pan), ...(ticketShown ? [maskPan(ticketPan)] : [])], payload: encodeV3Answer(answer) };
});

// ---- how a line or a faulty terminal spoils bytes

type Mutation =
  | { kind: 'replace'; at: number; byte: number }
  | { kind: 'flip'; at: number; xor: number }
  | { kind: 'drop'; at: number }
  | { kind: 'dup'; at: number }
  | { kind: 'insert'; at: number; byte: number }
  | { kind: 'cut'; at: number };

/** Mostly a byte replaced by another printable one (the message keeps its shape and often still decodes). */
const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), byte: fc.integer({ min: 0x20, max: 0x7e }) }), weight: 6 },
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('dup' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
);

function mutate(bytes: Uint8Array, mutations: readonly Mutation[]): Buffer {
  const out = [...bytes];
  for (const m of mutations) {
    if (out.length === 0 && m.kind !== 'insert') continue;
    const at = m.at % Math.max(out.length, 1);
    switch (m.kind) {
      case 'replace':
        out[at] = m.byte;
        break;
      case 'flip':
        out[at] = out[at]! ^ m.xor;
        break;
      case 'drop':
        out.splice(at, 1);
        break;
      case 'dup':
        out.splice(at, 0, out[at]!);
        break;
      case 'insert':
        out.splice(m.at % (out.length + 1), 0, m.byte);
        break;
      case 'cut':
        out.length = at;
        break;
    }
  }
  return Buffer.from(out);
}

/** V3: AA's tag renamed to another result tag the answer left out (the value read as expiry, contract...). */
const RESULT_TAGS = ['AB', 'AC', 'AI', 'CI', 'CG'];

function renameTag(payload: Buffer, from: string, to: string): Buffer | undefined {
  const parsed = parseTlv(payload);
  if (parsed.status !== 'complete' || parsed.fields.some((f) => f.tag === to)) return undefined;
  return encodeTlv(parsed.fields.map((f) => (f.tag === from ? { ...f, tag: to } : f)));
}

/** STX payload ETX LRC, whatever the payload holds (a faulty terminal does not check). */
function rawFrame(payload: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(payload), Buffer.from([ETX])]);
  return Buffer.concat([Buffer.from([STX]), body, Buffer.from([lrc(body)])]);
}

// ---- tp-manager's path for one message: decode, then the result mapping (as the codecs do)

type Protocol = 'concert-v2' | 'concert-v3';

function resultOf(protocol: Protocol, payload: Buffer): { result?: PaymentResult; error?: string } {
  if (protocol === 'concert-v2') {
    const d = decodeV2Answer(payload);
    return d.ok ? { result: v2AnswerToResult(d.value) } : { error: d.error };
  }
  const d = decodeV3Answer(payload);
  return d.ok ? { result: v3AnswerToResult(d.value) } : { error: d.error };
}

/** Everything of a result a kiosk, a log or HiPay may see, as one text. */
/**
 * Every text of a result, one per line. Not JSON.stringify: its escapes make digits of their own ("\u0004"
 * holds "0004") that would join a run of the card's digits into a number the result does not hold.
 */
const shown = (result: PaymentResult): string => {
  const texts: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string' || typeof v === 'number') texts.push(String(v));
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(result);
  return texts.join('\n');
};

/** Returns true when the payload gave a result (so a property can tell it did not only test refusals). */
function expectNoFullPan(protocol: Protocol, payload: Buffer, pans: readonly string[]): boolean {
  const { result, error } = resultOf(protocol, payload);
  if (error !== undefined) {
    expect(typeof error).toBe('string');
    expect(error).not.toMatch(/[\r\n]/);
    return false;
  }
  const leaked = fullPanIn(shown(result!), pans);
  if (leaked) throw new Error(`full card number ${leaked} in the result of ${protocol} payload ${JSON.stringify(payload.toString('latin1'))}: ${shown(result!)}`);
  return true;
}

/** The terminal's side of an exchange, spoiled on the wire, fed to the ECR's link in random pieces and at random times. */
function throughLink(wire: Buffer, cuts: readonly number[], gaps: readonly number[]): Buffer[] {
  const link = new ConcertLink({ role: 'ecr' });
  const messages: Buffer[] = [];
  let now = 1000;
  let from = 0;
  const points = [...new Set(cuts.map((c) => c % (wire.length + 1)))].sort((a, b) => a - b);
  for (const [i, to] of [...points, wire.length].entries()) {
    const step = link.receive(wire.subarray(from, Math.max(from, to)), now);
    for (const e of step.events) if (e.type === 'message') messages.push(e.payload);
    from = Math.max(from, to);
    now += gaps[i % Math.max(gaps.length, 1)] ?? 5;
    const deadline = link.deadline;
    if (deadline !== undefined && now >= deadline) for (const e of link.tick(now).events) if (e.type === 'message') messages.push(e.payload);
  }
  // Whatever state the bytes left it in, time runs out cleanly.
  link.tick(now + 60_000);
  expect(link.deadline === undefined || link.deadline > now + 60_000).toBe(true);
  return messages;
}

const protocolCases = [
  ['concert-v2', v2AnswerArb],
  ['concert-v3', v3AnswerArb],
] as const;

describe.each(protocolCases)('%s answers, spoiled', (protocol, answerArb) => {
  test('the unspoiled answers hold a full card number; their results show it exactly masked and nothing more of it', () => {
    fc.assert(
      fc.property(answerArb, ({ payload, pans, maskedPans }) => {
        if (pans.length > 0) expect(fullPanIn(payload.toString('latin1'), pans)).toBeDefined();
        expectNoFullPan(protocol, payload, pans);
        const { result } = resultOf(protocol, payload);
        const text = shown(result!);
        expectOnlyFirst6Last4(text, pans);
        for (const masked of maskedPans) expect(text).toContain(masked);
        if (maskedPans.length > 0) expect(result!.maskedPan).toBe(maskedPans[0]);
      }),
      { numRuns: 100 },
    );
  });

  test('payload spoiled (bytes flipped, dropped, duplicated, inserted, cut): decoding never throws and never gives a full card number', () => {
    let results = 0;
    fc.assert(
      fc.property(answerArb, fc.array(mutationArb, { minLength: 1, maxLength: 4 }), ({ payload, pans }, mutations) => {
        if (expectNoFullPan(protocol, mutate(payload, mutations), pans)) results += 1;
      }),
      { numRuns: 400 },
    );
    expect(results).toBeGreaterThan(25); // spoiled answers that still decode were tried, not only refusals
  });

  test('through the link layer: ENQ, frame, EOT spoiled on the wire and split anywhere: never throws, every message decodes without a full card number', () => {
    let results = 0;
    fc.assert(
      fc.property(
        answerArb,
        fc.array(mutationArb, { maxLength: 2 }),
        fc.array(mutationArb, { maxLength: 3 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        // Mostly bytes in quick succession, sometimes a pause past the link's 3 s frame time-out.
        fc.array(fc.oneof({ arbitrary: fc.integer({ min: 0, max: 50 }), weight: 6 }, fc.integer({ min: 0, max: 4000 })), { maxLength: 8 }),
        ({ payload, pans }, payloadMutations, wireMutations, cuts, gaps) => {
          const wire = mutate(Buffer.concat([Buffer.from([ENQ]), rawFrame(mutate(payload, payloadMutations)), Buffer.from([EOT])]), wireMutations);
          for (const message of throughLink(wire, cuts, gaps)) if (expectNoFullPan(protocol, message, pans)) results += 1;
        },
      ),
      { numRuns: 300 },
    );
    expect(results).toBeGreaterThan(12); // messages got through the link and were decoded
  });
});

// A card number under AB, AC, AI, CI or CG is masked like one under AA (once copied verbatim).
describe('concert-v3: a card number under another tag', () => {
  test('AA renamed to AB, AC, AI, CI or CG: the result still holds no full card number', () => {
    fc.assert(
      fc.property(v3AnswerArb, fc.constantFrom(...RESULT_TAGS), ({ payload, pans }, to) => {
        const renamed = renameTag(payload, 'AA', to);
        fc.pre(renamed !== undefined);
        expectNoFullPan('concert-v3', renamed!, pans);
      }),
      { numRuns: 200 },
    );
  });
});
