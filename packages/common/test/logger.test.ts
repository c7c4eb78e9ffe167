import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { closeLogger, consoleLineFormat, createLogger, type Logger, type ProcessLogger } from '../src/logger';

const PAN = '4111111111111111';
const GROUPED_PAN = '5500 0000 0000 0004';
const PASSWORDS = ['pwd-S3cret!', 'Test_XXXXXXXXXXXXXXXXXXXXXXXX'];
const repoRoot = path.resolve(__dirname, '..', '..', '..');

const tempDirs: string[] = [];
function tempDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-logger-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A clock the test moves. */
function manualClock(start: string): { now: () => Date; set(iso: string): void } {
  let current = new Date(start);
  return { now: () => current, set: (iso) => (current = new Date(iso)) };
}

function readLines(file: string): string[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
}

describe('log files', () => {
  let logger: ProcessLogger | undefined;
  afterEach(async () => {
    if (logger) await closeLogger(logger);
    logger = undefined;
  });

  test("child(fields): every line of a payment's logger carries its orderId, through the one Logger interface", async () => {
    const dataDir = tempDataDir();
    logger = createLogger({ name: 'tp-manager', dataDir, console: false, clock: manualClock('2026-11-27T10:00:00.000Z').now });
    // What a module receives: the interface, not winston.
    const used: Logger = logger;
    const payment = used.child({ orderId: 'A-1', commandId: 'c1' });
    payment.info('payment sent to the terminal', { amount: 899 });
    payment.child({ attempt: 2 }).warn('no answer');
    used.info('idle');
    await closeLogger(logger);
    logger = undefined;

    const lines = readLines(path.join(dataDir, 'logs', 'tp-manager-2026-11-27.log')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({ message: 'payment sent to the terminal', orderId: 'A-1', commandId: 'c1', amount: 899 }),
      expect.objectContaining({ message: 'no answer', level: 'warn', orderId: 'A-1', commandId: 'c1', attempt: 2 }),
      expect.not.objectContaining({ orderId: 'A-1' }),
    ]);
  });

  test('one JSON object a line in <dataDir>/logs/<name>-YYYY-MM-DD.log', async () => {
    const dataDir = tempDataDir();
    const clock = manualClock('2026-11-27T10:00:00.000Z');
    logger = createLogger({ name: 'tp-manager', dataDir, console: false, clock: clock.now });
    logger.info('terminal connected', { port: 'COM8', baudRate: 9600 });
    logger.warn('no answer', { attempt: 2 });
    await closeLogger(logger);
    logger = undefined;

    const lines = readLines(path.join(dataDir, 'logs', 'tp-manager-2026-11-27.log'));
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      {
        timestamp: '2026-11-27T10:00:00.000Z',
        level: 'info',
        process: 'tp-manager',
        message: 'terminal connected',
        port: 'COM8',
        baudRate: 9600,
      },
      { timestamp: '2026-11-27T10:00:00.000Z', level: 'warn', process: 'tp-manager', message: 'no answer', attempt: 2 },
    ]);
  });

  test('no card number and no password reaches the file', async () => {
    const dataDir = tempDataDir();
    logger = createLogger({ name: 'supervisor', dataDir, console: false, secrets: PASSWORDS });
    logger.info(`payment approved with card ${PAN}`);
    logger.info('receipt', { receipt: { primaryAccountNumber: PAN, ticket: `CARTE|${GROUPED_PAN}|` } });
    logger.info('hipay request', {
      headers: { Authorization: `Basic ${Buffer.from(`login:${PASSWORDS[1]}`).toString('base64')}` },
      body: `orderid=A1&password=${PASSWORDS[0]}`,
    });
    logger.warn(`login refused: ${PASSWORDS[0]} / ${PASSWORDS[1]}`, { config: { hipayPwd: PASSWORDS[1] } });
    logger.error('terminal error', new Error(`bad track 2 ${PAN}=2812`));
    logger.error(new Error(`unexpected ${PAN}`));
    await closeLogger(logger);
    logger = undefined;

    const [file] = fs.readdirSync(path.join(dataDir, 'logs'));
    const text = fs.readFileSync(path.join(dataDir, 'logs', file), 'utf8');
    expect(readLines(path.join(dataDir, 'logs', file))).toHaveLength(6);
    expect(text).not.toContain(PAN);
    expect(text).not.toContain(GROUPED_PAN);
    expect(text).not.toContain(GROUPED_PAN.replace(/ /g, ''));
    for (const secret of PASSWORDS) expect(text).not.toContain(secret);
    expect(text).not.toContain(Buffer.from(`login:${PASSWORDS[1]}`).toString('base64'));
    expect(text).toContain('411111XXXXXX1111');
    expect(text).toContain('550000XXXXXX0004');
  });

  test('the level filters entries', async () => {
    const dataDir = tempDataDir();
    logger = createLogger({ name: 'supervisor', dataDir, console: false, level: 'warn' });
    logger.info('hidden');
    logger.debug('hidden too');
    logger.error('shown');
    await closeLogger(logger);
    logger = undefined;
    const [file] = fs.readdirSync(path.join(dataDir, 'logs'));
    const lines = readLines(path.join(dataDir, 'logs', file)).map((l) => JSON.parse(l) as { message: string });
    expect(lines.map((l) => l.message)).toEqual(['shown']);
  });

  test('files older than 14 days of that name are removed at start', async () => {
    const dataDir = tempDataDir();
    const logs = path.join(dataDir, 'logs');
    fs.mkdirSync(logs);
    const existing = [
      'supervisor-2026-11-13.log', // 14 days before: gone
      'supervisor-2026-11-14.log', // 13 days before: kept (14 days with today)
      'supervisor-2025-01-01.log',
      'tp-manager-2026-01-01.log', // another process's files are not ours
      'supervisor-notes.txt',
    ];
    for (const name of existing) fs.writeFileSync(path.join(logs, name), '{}\n');
    logger = createLogger({ name: 'supervisor', dataDir, console: false, clock: () => new Date('2026-11-27T08:00:00Z') });
    expect(fs.readdirSync(logs).sort()).toEqual(
      [
        'supervisor-2026-11-14.log',
        'supervisor-2026-11-27.log',
        'supervisor-notes.txt',
        'tp-manager-2026-01-01.log',
      ].sort(),
    );
  });

  test('a new file at day change, and the day-old limit moves with it', async () => {
    const dataDir = tempDataDir();
    const clock = manualClock('2026-11-27T23:59:59.000Z');
    logger = createLogger({ name: 'supervisor', dataDir, console: false, clock: clock.now, retentionDays: 2 });
    logger.info('before midnight');
    clock.set('2026-11-28T00:00:01.000Z');
    logger.info('after midnight');
    await new Promise((resolve) => setImmediate(resolve));
    const logs = path.join(dataDir, 'logs');
    expect(fs.readdirSync(logs).sort()).toEqual(['supervisor-2026-11-27.log', 'supervisor-2026-11-28.log']);
    expect(readLines(path.join(logs, 'supervisor-2026-11-28.log'))).toHaveLength(1);

    clock.set('2026-11-30T12:00:00.000Z');
    logger.info('two days later');
    await closeLogger(logger);
    logger = undefined;
    expect(fs.readdirSync(logs).sort()).toEqual(['supervisor-2026-11-30.log']);
  });
});

/** The console fixture's stdout, run as a real process. */
function runConsoleFixture(args: string[]): Promise<string> {
  const tsx = path.join(repoRoot, 'node_modules', '.bin', 'tsx');
  return new Promise<string>((resolve, reject) => {
    execFile(
      tsx,
      ['--conditions=source', path.join(__dirname, 'fixtures', 'console-logger.ts'), ...args],
      { cwd: repoRoot, timeout: 20_000 },
      (err, out) => (err ? reject(err) : resolve(out)),
    );
  });
}

describe('console', () => {
  test('the line format: time, padded level, process name, message, key=value meta', () => {
    const format = consoleLineFormat('supervisor');
    const info = format.transform({
      level: 'info',
      message: 'payment approved',
      timestamp: '2026-11-27T10:00:00.000Z',
      orderId: 'Order_12345',
      amount: 899,
      note: 'two words',
    });
    expect(info && (info as unknown as Record<symbol, unknown>)[Symbol.for('message')]).toBe(
      '2026-11-27T10:00:00.000Z info  supervisor: payment approved orderId=Order_12345 amount=899 note="two words"',
    );
  });

  test('a real process writes readable, redacted lines to stdout', async () => {
    const stdout = await runConsoleFixture([]);
    expect(stdout.split('\n').filter((l) => l !== '')).toEqual([
      '2026-11-27T10:00:00.000Z info  supervisor: payment approved orderId=Order_12345 amount=899',
      '2026-11-27T10:00:00.000Z warn  supervisor: card 411111XXXXXX1111 refused note="two words" login={"user":"log","pwd":"***"}',
      '2026-11-27T10:00:00.000Z error supervisor: multi\\nline',
    ]);
  });

  test('LOG_FORMAT=json: a real process writes one redacted JSON object a line to stdout, meta as fields', async () => {
    const stdout = await runConsoleFixture(['json']);
    const lines = stdout.split('\n').filter((l) => l !== '');
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      { timestamp: '2026-11-27T10:00:00.000Z', level: 'info', process: 'supervisor', message: 'payment approved', orderId: 'Order_12345', amount: 899 },
      {
        timestamp: '2026-11-27T10:00:00.000Z',
        level: 'warn',
        process: 'supervisor',
        message: 'card 411111XXXXXX1111 refused',
        note: 'two words',
        login: { user: 'log', pwd: '***' },
      },
      { timestamp: '2026-11-27T10:00:00.000Z', level: 'error', process: 'supervisor', message: 'multi\nline' },
    ]);
    expect(stdout).not.toContain('4111111111111111');
  });
});

describe('createLogger options', () => {
  test('refuses an unknown level in one line', () => {
    expect(() => createLogger({ name: 'supervisor', console: false, level: 'loud' })).toThrow(
      'log level "loud" is unknown: expected error, warn, info or debug',
    );
  });

  test('refuses a name that cannot be a file name', () => {
    expect(() => createLogger({ name: '../x', console: false })).toThrow(
      'logger name "../x" cannot name a log file: expected letters, digits, ".", "_" or "-"',
    );
  });

  test('a logger with neither console nor files accepts entries silently', async () => {
    const logger = createLogger({ name: 'quiet', console: false });
    logger.info('nowhere');
    await closeLogger(logger);
  });
});
