/**
 * LOG_FORMAT and KIOSK_ID (issue 13): the console's format for journald, Docker and Loki, and the name of a
 * kiosk in a fleet (GET /health, metrics). Both optional; a wrong value stops the start in one line.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError, configSummary, parseConfig } from '../src/config';

const REQUIRED = [
  'SERIAL_PORT=COM8',
  'LOCAL_PORT=8080',
  'TERMINAL_MANAGER_LOGIN=log',
  'TERMINAL_MANAGER_PWD=pwd',
  'HIPAY_LOGIN=sandbox',
  'HIPAY_PWD=pwd-hipay',
  'UPDATE_TIME=04:00',
];

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-config-obs-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

function parse(lines: string[], env: NodeJS.ProcessEnv = {}) {
  return parseConfig([...REQUIRED, ...lines].join('\n'), { dataDir, env });
}

function problem(lines: string[]): string {
  try {
    parse(lines);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('LOG_FORMAT', () => {
  test('text by default, readable lines as before', () => {
    expect(parse([]).logFormat).toBe('text');
  });

  test.each([
    ['json', 'json'],
    ['JSON', 'json'],
    ['text', 'text'],
  ])('LOG_FORMAT=%s', (raw, expected) => {
    expect(parse([`LOG_FORMAT=${raw}`]).logFormat).toBe(expected);
  });

  test('from the environment (containers)', () => {
    expect(parse([], { ECR_LOG_FORMAT: 'json' }).logFormat).toBe('json');
  });

  test('anything else stops the start in one line naming the line and the choices', () => {
    expect(problem(['LOG_FORMAT=yaml'])).toBe(
      'config.txt line 8: LOG_FORMAT=yaml is not a log format: expected text (readable lines) or json (one JSON object a line)',
    );
  });
});

describe('KIOSK_ID', () => {
  test("the host name by default, so every kiosk of a fleet has a name without configuration", () => {
    expect(parse([]).kioskId).toBe(os.hostname());
    expect(parse(['KIOSK_ID=']).kioskId).toBe(os.hostname());
  });

  test('as written', () => {
    expect(parse(['KIOSK_ID=paris-opera-3']).kioskId).toBe('paris-opera-3');
  });

  test('a space or an over-long name stops the start in one line', () => {
    expect(problem(['KIOSK_ID=paris opera'])).toBe(
      'config.txt line 8: KIOSK_ID=paris opera is not a kiosk id: expected up to 64 letters, digits, ".", "_", ":" or "-", e.g. KIOSK_ID=paris-opera-3',
    );
    expect(problem([`KIOSK_ID=${'k'.repeat(65)}`])).toContain('is not a kiosk id');
  });

  test('the start-up summary shows both', () => {
    const summary = configSummary(parse(['KIOSK_ID=lane-2', 'LOG_FORMAT=json']));
    expect(summary).toMatchObject({ KIOSK_ID: 'lane-2', LOG_FORMAT: 'json' });
  });
});
