import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { CONFIG_KEYS, ConfigError, loadConfig, parseConfig } from '../src/config';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-config-prop-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

/** Loads, or fails with a one-line ConfigError: any other outcome fails the property. */
function loadsOrConfigError(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    expect(err.message).not.toMatch(/[\r\n]/);
    return err.message;
  }
}

const plausibleValue = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.integer({ min: -10, max: 100000 }).map(String),
  fc.constantFrom(
    'COM8', '/dev/ttyUSB0', 'tcp://127.0.0.1:8888', 'simulator', '8080', '04:00', '24:00', 'concert-v2', 'zvt',
    '9600', '7E1', '8N3', '::1', 'tcp://127.0.0.1:5555', 'https://x.test', 'sandbox', 'a.b', '"quoted"', '',
  ),
);
const lineEnding = fc.constantFrom('\n', '\r\n', '\r');
const password = fc.string({ minLength: 3 }).map((s) => `Pw!${s.replace(/[\r\n]/g, '')}`);

const configLine = fc.oneof(
  fc.tuple(fc.constantFrom(...CONFIG_KEYS), plausibleValue).map(([k, v]) => `${k}=${v}`),
  fc.tuple(fc.string(), plausibleValue).map(([k, v]) => `${k}=${v}`),
  fc.string().map((s) => `#${s}`),
  fc.constant(''),
  fc.string({ unit: 'binary' }),
);

describe('any config text loads or is refused with a ConfigError', () => {
  test('random lines of known and unknown keys', () => {
    fc.assert(
      fc.property(
        fc.array(configLine, { maxLength: 25 }),
        lineEnding,
        fc.boolean(),
        fc.dictionary(fc.constantFrom(...CONFIG_KEYS.map((k) => `ECR_${k}`)), plausibleValue, { maxKeys: 3 }),
        (lines, eol, bom, env) => {
          const text = (bom ? '\uFEFF' : '') + lines.join(eol);
          loadsOrConfigError(() => parseConfig(text, { dataDir, env }));
        },
      ),
      { numRuns: 400 },
    );
  });

  test('arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        loadsOrConfigError(() => parseConfig(text, { dataDir, env: {} }));
      }),
      { numRuns: 300 },
    );
  });

  test('arbitrary bytes in config.txt (any encoding)', () => {
    const file = path.join(dataDir, 'config.txt');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        fs.writeFileSync(file, bytes);
        loadsOrConfigError(() => loadConfig({ dataDir, env: {} }));
      }),
      { numRuns: 200 },
    );
  });

  test('one key set to anything on a valid file: loads, or the message points at that key and line', () => {
    const seed = [
      'SERIAL_PORT=COM8',
      'LOCAL_PORT=8080',
      'TERMINAL_MANAGER_LOGIN=log',
      'TERMINAL_MANAGER_PWD=pwd',
      'HIPAY_LOGIN=99999999.stage-secure-gateway.hipay-tpp.com',
      'HIPAY_PWD=Test_XXXXXXXXXXXXXXXXXXXXXXXX',
      'UPDATE_TIME=04:00',
      'HIPAY_HASHKEY=hk-Secret-771',
      'HIPAY_MID=00001340',
      'HIPAY_ACQUIRER_ID=1234567',
    ];
    const value = plausibleValue.filter((v) => !/[\r\n\u2028\u2029]/.test(v));
    fc.assert(
      fc.property(fc.constantFrom(...CONFIG_KEYS), value, (key, v) => {
        const lines = [...seed.filter((l) => !l.startsWith(`${key}=`)), `${key}=${v}`];
        try {
          parseConfig(lines.join('\n'), { dataDir, env: {} });
        } catch (err) {
          expect(err).toBeInstanceOf(ConfigError);
          expect((err as ConfigError).key).toBe(key);
          expect((err as ConfigError).message.startsWith(`config.txt line ${lines.length}: ${key}`)).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });

  test('a password never appears in a message', () => {
    fc.assert(
      fc.property(
        fc.array(configLine, { maxLength: 15 }),
        fc.constantFrom('TERMINAL_MANAGER_PWD', 'HIPAY_PWD', 'HIPAY_HASHKEY'),
        password,
        fc.nat(),
        (lines, key, secret, at) => {
          const all = [...lines];
          all.splice(at % (all.length + 1), 0, `${key}=${secret}`);
          const message = loadsOrConfigError(() => parseConfig(all.join('\n'), { dataDir, env: {} }));
          if (message !== undefined) expect(message).not.toContain(secret);
        },
      ),
      { numRuns: 300 },
    );
  });
});
