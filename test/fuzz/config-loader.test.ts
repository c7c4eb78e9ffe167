/**
 * Fuzzing loadConfig with the mistakes people make in a real config.txt: a valid file (every key set, secrets
 * included), then a few edits: characters typed, lost or doubled, lines lost, doubled or swapped, keys in the
 * wrong case, spaces around "=", Windows line ends, a BOM, one line's value pasted onto another line.
 * Properties: loadConfig gives a Config or throws a ConfigError whose message is one line, and no message
 * shows a password value.
 * (packages/common/test/config.property.test.ts covers random lines, random text and bytes; this adds edits of
 * a complete file, and secrets that hold "=" or land on another key's line.)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { ConfigError, loadConfig, type Config } from '@ecr/common';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-config-fuzz-'));
const file = path.join(dataDir, 'config.txt');
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const SECRET_KEYS = ['TERMINAL_MANAGER_PWD', 'HIPAY_PWD', 'HIPAY_HASHKEY'] as const;
type Secrets = Record<(typeof SECRET_KEYS)[number], string>;

/** Random lower-case letters and digits: nothing a message would say by itself. */
const plainSecretArb = fc.stringMatching(/^[a-z0-9]{10,16}$/);
/** The same with "=" in it, as base64 secrets end. */
const secretWithEqualsArb = fc.tuple(plainSecretArb, fc.constantFrom('=', '==', '=x9')).map(([body, tail]) => body + tail);

const secretsOf = (arb: fc.Arbitrary<string>): fc.Arbitrary<Secrets> => fc.record({ TERMINAL_MANAGER_PWD: arb, HIPAY_PWD: arb, HIPAY_HASHKEY: arb });
const secretsArb = secretsOf(fc.oneof(plainSecretArb, secretWithEqualsArb));

function validLines(s: Secrets): string[] {
  return [
    '# kiosk 12, Opera',
    'SERIAL_PORT=/dev/ttyUSB0',
    'LOCAL_PORT=8080',
    'TERMINAL_MANAGER_LOGIN=kiosk',
    `TERMINAL_MANAGER_PWD=${s.TERMINAL_MANAGER_PWD}`,
    'HIPAY_LOGIN=94654727.stage-secure-gateway.hipay-tpp.com',
    `HIPAY_PWD=${s.HIPAY_PWD}`,
    `HIPAY_HASHKEY=${s.HIPAY_HASHKEY}`,
    'HIPAY_MID=00001340',
    'HIPAY_ACQUIRER_ID=1234567',
    'UPDATE_TIME=04:00',
    'TERMINAL_PROTOCOL=concert-v3',
    'BAUD_RATE=9600',
    'SERIAL_FORMAT=8N1',
    'TP_MANAGER_ENDPOINT=tcp://127.0.0.1:5555',
    'PAYMENT_TIMEOUT_S=180',
    'HIPAY_TIMEOUT_MS=3000',
    'LOG_LEVEL=info',
  ];
}

type Edit =
  | { kind: 'type-char'; at: number; char: string }
  | { kind: 'lose-char'; at: number }
  | { kind: 'double-char'; at: number }
  | { kind: 'lose-line'; line: number }
  | { kind: 'double-line'; line: number }
  | { kind: 'swap-lines'; a: number; b: number }
  | { kind: 'key-case'; line: number }
  | { kind: 'spaces'; line: number };

const typedChar = fc.oneof(fc.constantFrom('=', ' ', '#', '"', ':', '\t', '\r', '\n', '\u00e9', '\u0000', 'O', '0'), fc.string({ minLength: 1, maxLength: 1 }));

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('type-char' as const), at: fc.nat(), char: typedChar }),
  fc.record({ kind: fc.constant('lose-char' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('double-char' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('lose-line' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('double-line' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('swap-lines' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant('key-case' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('spaces' as const), line: fc.nat() }),
);

function applyEdit(lines: string[], edit: Edit): string[] {
  const out = [...lines];
  const pick = (n: number) => n % Math.max(out.length, 1);
  const text = () => out.join('\n');
  const charEdit = (at: number, change: (t: string, i: number) => string) => {
    const t = text();
    if (t.length === 0) return out;
    return change(t, at % t.length).split('\n');
  };
  switch (edit.kind) {
    case 'type-char':
      return charEdit(edit.at, (t, i) => t.slice(0, i) + edit.char + t.slice(i));
    case 'lose-char':
      return charEdit(edit.at, (t, i) => t.slice(0, i) + t.slice(i + 1));
    case 'double-char':
      return charEdit(edit.at, (t, i) => t.slice(0, i + 1) + t.slice(i));
    case 'lose-line':
      out.splice(pick(edit.line), 1);
      return out;
    case 'double-line':
      if (out.length > 0) out.splice(pick(edit.line), 0, out[pick(edit.line)]!);
      return out;
    case 'swap-lines': {
      const [a, b] = [pick(edit.a), pick(edit.b)];
      if (out.length > 0) [out[a], out[b]] = [out[b]!, out[a]!];
      return out;
    }
    case 'key-case':
      if (out.length > 0) out[pick(edit.line)] = out[pick(edit.line)]!.replace(/^[^=]*/, (k) => k.toLowerCase());
      return out;
    case 'spaces':
      if (out.length > 0) out[pick(edit.line)] = out[pick(edit.line)]!.replace('=', ' = ');
      return out;
  }
}

const layoutArb = fc.record({ eol: fc.constantFrom('\n', '\r\n'), bom: fc.boolean() });

function writeConfig(lines: string[], layout: { eol: string; bom: boolean }): void {
  fs.writeFileSync(file, (layout.bom ? '\uFEFF' : '') + lines.join(layout.eol) + layout.eol);
}

/** Loads the file: the Config, or the ConfigError's message; anything else thrown fails the property. */
function load(): { config?: Config; message?: string } {
  try {
    return { config: loadConfig({ dataDir, env: {} }) };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw new Error(`loadConfig threw ${(err as Error)?.name}: ${String((err as Error)?.stack ?? err)}`);
    return { message: err.message };
  }
}

function expectOneLine(message: string): void {
  expect(message.length).toBeGreaterThan(0);
  expect(message).not.toMatch(/[\r\n\u2028\u2029]/);
  expect(message.length).toBeLessThan(600);
  expect(message).not.toMatch(/\n\s+at |\.ts:\d+/);
}

/** A secret shows when the message holds it, or half of it or more (at least 6 characters in a row). */
function shownSecret(message: string, secrets: Secrets): string | undefined {
  for (const secret of Object.values(secrets)) {
    const window = Math.max(6, Math.ceil(secret.length / 2));
    for (let i = 0; i + window <= secret.length; i++) if (message.includes(secret.slice(i, i + window))) return secret;
  }
  return undefined;
}

describe('loadConfig on an edited config.txt', () => {
  test('the valid file loads, with its secrets', () => {
    fc.assert(
      fc.property(secretsArb, layoutArb, (secrets, layout) => {
        writeConfig(validLines(secrets), layout);
        const { config, message } = load();
        expect(message).toBeUndefined();
        expect(config).toMatchObject({ localPort: 8080, hipayPwd: secrets.HIPAY_PWD, terminalManagerPwd: secrets.TERMINAL_MANAGER_PWD });
      }),
      { numRuns: 50 },
    );
  });

  test('a few edits: a Config or a ConfigError with a one-line message that shows no secret', () => {
    fc.assert(
      fc.property(secretsOf(plainSecretArb), fc.array(editArb, { minLength: 1, maxLength: 3 }), layoutArb, (secrets, edits, layout) => {
        writeConfig(edits.reduce(applyEdit, validLines(secrets)), layout);
        const { config, message } = load();
        if (config) {
          expect(typeof config.localPort).toBe('number');
          return;
        }
        expectOneLine(message!);
        const shown = shownSecret(message!, secrets);
        if (shown) throw new Error(`the message shows the secret ${shown}: ${message}`);
      }),
      { numRuns: 400 },
    );
  });

  // "HIPAY_PWDabc=" for "HIPAY_PWD=abc=": the unknown key would be the password (once echoed).
  test('a secret holding "=" whose line lost the "=" after the key: the message does not show it', () => {
    fc.assert(
      fc.property(secretsOf(secretWithEqualsArb), fc.constantFrom(...SECRET_KEYS), (secrets, key) => {
        const lines = validLines(secrets).map((l) => (l.startsWith(`${key}=`) ? l.replace('=', '') : l));
        writeConfig(lines, { eol: '\n', bom: false });
        const { message } = load();
        expectOneLine(message!);
        const shown = shownSecret(message!, secrets);
        if (shown) throw new Error(`the message shows the secret ${shown}: ${message}`);
      }),
      { numRuns: 50 },
    );
  });

  // "LOCAL_PORT=<password>": the value of another key may be a password (once quoted).
  test('a secret pasted onto another key\'s line: the message does not show it', () => {
    const NOT_SECRET = ['SERIAL_PORT', 'LOCAL_PORT', 'TERMINAL_MANAGER_LOGIN', 'HIPAY_LOGIN', 'UPDATE_TIME', 'TERMINAL_PROTOCOL', 'BAUD_RATE', 'PAYMENT_TIMEOUT_S', 'LOG_LEVEL'];
    fc.assert(
      fc.property(secretsOf(plainSecretArb), fc.constantFrom(...SECRET_KEYS), fc.constantFrom(...NOT_SECRET), (secrets, from, onto) => {
        const lines = validLines(secrets).map((l) => (l.startsWith(`${onto}=`) ? `${onto}=${secrets[from]}` : l));
        writeConfig(lines, { eol: '\n', bom: false });
        const { message } = load();
        if (message === undefined) return; // a key that takes any text
        expectOneLine(message);
        const shown = shownSecret(message, secrets);
        if (shown) throw new Error(`the message shows the secret ${shown}: ${message}`);
      }),
      { numRuns: 60 },
    );
  });
});
