import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError, configSecrets, configSummary, loadConfig, type Config } from '../src/config';

const tempDirs: string[] = [];

function tempDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-config-'));
  tempDirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** The seed guide's example values (Windows flavour). */
const SEED_LINES = [
  'SERIAL_PORT=COM8',
  'LOCAL_PORT=8080',
  'TERMINAL_MANAGER_LOGIN=log',
  'TERMINAL_MANAGER_PWD=pwd',
  'HIPAY_LOGIN=99999999.stage-secure-gateway.hipay-tpp.com',
  'HIPAY_PWD=Test_XXXXXXXXXXXXXXXXXXXXXXXX',
  'UPDATE_TIME=04:00',
  // Not in the seed's table, but HiPay refuses a passive order without them (issue 10).
  'HIPAY_HASHKEY=hk-Secret-771',
  'HIPAY_MID=00001340',
  'HIPAY_ACQUIRER_ID=1234567',
];

function writeConfig(content: string | Buffer, dir = tempDataDir()): string {
  fs.writeFileSync(path.join(dir, 'config.txt'), content);
  return dir;
}

function load(lines: string[], env: NodeJS.ProcessEnv = {}): Config {
  return loadConfig({ dataDir: writeConfig(lines.join('\n')), env });
}

/** The seed's lines with one key's line replaced (or removed when `line` is undefined). */
function seedWith(key: string, line?: string): string[] {
  const rest = SEED_LINES.filter((l) => !l.startsWith(`${key}=`));
  return line === undefined ? rest : [...rest, line];
}

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

function messageFor(lines: string[], env: NodeJS.ProcessEnv = {}): string {
  return errorOf(() => load(lines, env)).message;
}

describe('loadConfig with the seed guide example', () => {
  test('reads every key of the Windows example', () => {
    const config = load(SEED_LINES);
    expect(config.serialPort).toBe('COM8');
    expect(config.terminalLink).toEqual({ kind: 'serial', path: 'COM8' });
    expect(config.localPort).toBe(8080);
    expect(config.terminalManagerLogin).toBe('log');
    expect(config.terminalManagerPwd).toBe('pwd');
    expect(config.hipayLogin).toBe('99999999.stage-secure-gateway.hipay-tpp.com');
    expect(config.hipayPwd).toBe('Test_XXXXXXXXXXXXXXXXXXXXXXXX');
    expect(config.updateTime).toEqual({ hour: 4, minute: 0 });
    expect(config.hipaySandbox).toBe(false);
  });

  test('reads the Linux example port', () => {
    const config = load(seedWith('SERIAL_PORT', 'SERIAL_PORT=/dev/ttyUSB0'));
    expect(config.serialPort).toBe('/dev/ttyUSB0');
    expect(config.terminalLink).toEqual({ kind: 'serial', path: '/dev/ttyUSB0' });
  });

  test('gives the design defaults for every optional key', () => {
    const config = load(SEED_LINES);
    expect(config.terminalProtocol).toBe('concert-v3');
    expect(config.baudRate).toBe(9600);
    expect(config.serialFormat).toEqual({ dataBits: 8, parity: 'none', stopBits: 1 });
    expect(config.bindAddress).toBe('127.0.0.1');
    expect(config.tpManagerEndpoint).toBe('tcp://127.0.0.1:5555');
    expect(config.hipayUrl).toBe('https://stage-secure-gateway.hipay-tpp.com');
    expect(config.paymentTimeoutS).toBe(180);
    expect(config.hipayTimeoutMs).toBe(3000);
    expect(config.updateSource).toBe('');
    expect(config.logLevel).toBe('info');
  });

  test('tells where each value came from', () => {
    const config = load(SEED_LINES, { ECR_LOCAL_PORT: '9090' });
    expect(config.source.SERIAL_PORT).toEqual({ from: 'file', line: 1 });
    expect(config.source.UPDATE_TIME).toEqual({ from: 'file', line: 7 });
    expect(config.source.LOCAL_PORT).toEqual({ from: 'env', variable: 'ECR_LOCAL_PORT' });
    expect(config.source.BAUD_RATE).toEqual({ from: 'default' });
  });

  test('records the data directory and the file read', () => {
    const dir = writeConfig(SEED_LINES.join('\n'));
    const config = loadConfig({ dataDir: dir, env: {} });
    expect(config.dataDir).toBe(path.resolve(dir));
    expect(config.configFile).toBe(path.join(path.resolve(dir), 'config.txt'));
  });

  test('is frozen, nested objects included', () => {
    const config = load(SEED_LINES);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.updateTime)).toBe(true);
    expect(Object.isFrozen(config.serialFormat)).toBe(true);
    expect(Object.isFrozen(config.source)).toBe(true);
    expect(() => {
      (config as { localPort: number }).localPort = 1;
    }).toThrow(TypeError);
  });
});

describe('every key', () => {
  const cases: Array<[string, (c: Config) => unknown, unknown]> = [
    ['SERIAL_PORT=tcp://192.168.1.20:8888', (c) => c.terminalLink, { kind: 'tcp', host: '192.168.1.20', port: 8888 }],
    ['SERIAL_PORT=simulator', (c) => c.terminalLink, { kind: 'simulator' }],
    ['SERIAL_PORT=com12', (c) => c.serialPort, 'COM12'],
    ['TERMINAL_PROTOCOL=concert-v2', (c) => c.terminalProtocol, 'concert-v2'],
    ['TERMINAL_PROTOCOL=ZVT', (c) => c.terminalProtocol, 'zvt'],
    ['BAUD_RATE=115200', (c) => c.baudRate, 115200],
    ['SERIAL_FORMAT=7E1', (c) => c.serialFormat, { dataBits: 7, parity: 'even', stopBits: 1 }],
    ['SERIAL_FORMAT=8o2', (c) => c.serialFormat, { dataBits: 8, parity: 'odd', stopBits: 2 }],
    ['BIND_ADDRESS=0.0.0.0', (c) => c.bindAddress, '0.0.0.0'],
    ['BIND_ADDRESS=::1', (c) => c.bindAddress, '::1'],
    ['BIND_ADDRESS=localhost', (c) => c.bindAddress, 'localhost'],
    ['TP_MANAGER_ENDPOINT=tcp://127.0.0.1:6000', (c) => c.tpManagerEndpoint, 'tcp://127.0.0.1:6000'],
    ['HIPAY_URL=http://127.0.0.1:4010/', (c) => c.hipayUrl, 'http://127.0.0.1:4010'],
    ['HIPAY_HASHKEY=abc123', (c) => c.hipayHashkey, 'abc123'],
    ['HIPAY_MID=00001234', (c) => c.hipayMid, '00001234'],
    ['HIPAY_ACQUIRER_ID=42', (c) => c.hipayAcquirerId, '42'],
    ['PAYMENT_TIMEOUT_S=10', (c) => c.paymentTimeoutS, 10],
    ['HIPAY_TIMEOUT_MS=60000', (c) => c.hipayTimeoutMs, 60000],
    ['UPDATE_SOURCE=https://updates.example.com/ecr/manifest.json', (c) => c.updateSource, 'https://updates.example.com/ecr/manifest.json'],
    ['UPDATE_SOURCE=/srv/ecr-releases', (c) => c.updateSource, '/srv/ecr-releases'],
    ['LOG_LEVEL=debug', (c) => c.logLevel, 'debug'],
    ['UPDATE_TIME=23:59', (c) => c.updateTime, { hour: 23, minute: 59 }],
  ];
  test.each(cases)('%s', (line, read, expected) => {
    const key = line.slice(0, line.indexOf('='));
    expect(read(load(seedWith(key, line)))).toEqual(expected);
  });

  test('a relative UPDATE_SOURCE directory is taken from the data directory', () => {
    const dir = writeConfig([...SEED_LINES, 'UPDATE_SOURCE=releases'].join('\n'));
    expect(loadConfig({ dataDir: dir, env: {} }).updateSource).toBe(path.join(path.resolve(dir), 'releases'));
  });

  test('HIPAY_LOGIN=sandbox leaves HIPAY_URL empty for the supervisor to fill in', () => {
    const config = load(seedWith('HIPAY_LOGIN', 'HIPAY_LOGIN=sandbox'));
    expect(config.hipaySandbox).toBe(true);
    expect(config.hipayUrl).toBe('');
  });

  test('the production login derives the production gateway', () => {
    const config = load(seedWith('HIPAY_LOGIN', 'HIPAY_LOGIN=94654727.secure-gateway.hipay-tpp.com'));
    expect(config.hipayUrl).toBe('https://secure-gateway.hipay-tpp.com');
  });

  test('HIPAY_URL wins over the host derived from the login', () => {
    const config = load([...SEED_LINES, 'HIPAY_URL=https://proxy.local/hipay']);
    expect(config.hipayUrl).toBe('https://proxy.local/hipay');
  });

  test('an optional key left empty keeps its default', () => {
    const config = load([...SEED_LINES, 'BAUD_RATE=', 'LOG_LEVEL=']);
    expect(config.baudRate).toBe(9600);
    expect(config.logLevel).toBe('info');
    expect(config.source.BAUD_RATE).toEqual({ from: 'default' });
  });
});

describe('file syntax', () => {
  test('CRLF line endings and a UTF-8 BOM (Notepad)', () => {
    const dir = writeConfig(`\uFEFF${SEED_LINES.join('\r\n')}\r\n`);
    const config = loadConfig({ dataDir: dir, env: {} });
    expect(config.serialPort).toBe('COM8');
    expect(config.updateTime).toEqual({ hour: 4, minute: 0 });
  });

  test('UTF-16 with a BOM (Notepad\'s "Unicode")', () => {
    const text = `\uFEFF${SEED_LINES.join('\r\n')}\r\n`;
    const dir = writeConfig(Buffer.from(text, 'utf16le'));
    expect(loadConfig({ dataDir: dir, env: {} }).hipayPwd).toBe('Test_XXXXXXXXXXXXXXXXXXXXXXXX');
  });

  test('an ANSI (Windows-1252) file keeps accented characters', () => {
    const text = [...seedWith('TERMINAL_MANAGER_PWD'), 'TERMINAL_MANAGER_PWD=caf\u00e9'].join('\r\n');
    const dir = writeConfig(Buffer.from(text, 'latin1'));
    expect(loadConfig({ dataDir: dir, env: {} }).terminalManagerPwd).toBe('caf\u00e9');
  });

  test('comments, blank lines, whitespace and quotes', () => {
    const config = load([
      '# Unattended ECR connector',
      '',
      '   # indented comment',
      '  SERIAL_PORT =  COM8  ',
      '\tLOCAL_PORT\t=\t8080',
      'TERMINAL_MANAGER_LOGIN="log"',
      "TERMINAL_MANAGER_PWD='p w d'",
      'HIPAY_LOGIN=99999999.stage-secure-gateway.hipay-tpp.com',
      'HIPAY_PWD="Test_XX=YY#ZZ"',
      'UPDATE_TIME=04:00',
      'HIPAY_HASHKEY=k',
      'HIPAY_MID=1',
      'HIPAY_ACQUIRER_ID=2',
      '   ',
    ]);
    expect(config.serialPort).toBe('COM8');
    expect(config.localPort).toBe(8080);
    expect(config.terminalManagerLogin).toBe('log');
    expect(config.terminalManagerPwd).toBe('p w d');
    expect(config.hipayPwd).toBe('Test_XX=YY#ZZ');
    expect(config.source.SERIAL_PORT).toEqual({ from: 'file', line: 4 });
  });

  test('keys are read whatever their case', () => {
    expect(load(seedWith('LOCAL_PORT', 'local_port=8181')).localPort).toBe(8181);
  });
});

describe('environment overrides', () => {
  test('ECR_<KEY> wins over the file', () => {
    const config = load(SEED_LINES, { ECR_LOCAL_PORT: '9090', ECR_SERIAL_PORT: 'simulator', ECR_LOG_LEVEL: 'debug' });
    expect(config.localPort).toBe(9090);
    expect(config.terminalLink).toEqual({ kind: 'simulator' });
    expect(config.logLevel).toBe('debug');
  });

  test('an empty variable counts as unset', () => {
    expect(load(SEED_LINES, { ECR_LOCAL_PORT: '' }).localPort).toBe(8080);
  });

  test('a required key may come from the environment alone', () => {
    const config = load(seedWith('UPDATE_TIME'), { ECR_UPDATE_TIME: '03:30' });
    expect(config.updateTime).toEqual({ hour: 3, minute: 30 });
    expect(config.source.UPDATE_TIME).toEqual({ from: 'env', variable: 'ECR_UPDATE_TIME' });
  });

  test('ECR_DATA_DIR chooses the data directory when no dataDir is given', () => {
    const dir = writeConfig(SEED_LINES.join('\n'));
    expect(loadConfig({ env: { ECR_DATA_DIR: dir } }).dataDir).toBe(path.resolve(dir));
  });

  test('without config.txt, a complete environment is enough (containers)', () => {
    const env: NodeJS.ProcessEnv = {};
    for (const line of SEED_LINES) {
      const [key, value] = line.split('=');
      env[`ECR_${key}`] = value;
    }
    const config = loadConfig({ dataDir: tempDataDir(), env });
    expect(config.localPort).toBe(8080);
    expect(config.source.HIPAY_PWD).toEqual({ from: 'env', variable: 'ECR_HIPAY_PWD' });
  });

  test('an explicit file option is read instead of <dataDir>/config.txt', () => {
    const dir = tempDataDir();
    const file = path.join(dir, 'other.txt');
    fs.writeFileSync(file, SEED_LINES.join('\n'));
    const config = loadConfig({ dataDir: dir, file, env: {} });
    expect(config.configFile).toBe(file);
  });
});

describe('invalid configurations stop with one line naming the file, line, key and expectation', () => {
  const cases: Array<[string, string[], string]> = [
    [
      'port out of range',
      ['LOCAL_PORT=70000', ...seedWith('LOCAL_PORT')],
      'config.txt line 1: LOCAL_PORT=70000 is not a port: expected an integer from 1 to 65535',
    ],
    [
      'port not a number',
      ['LOCAL_PORT=80a', ...seedWith('LOCAL_PORT')],
      'config.txt line 1: LOCAL_PORT=80a is not a port: expected an integer from 1 to 65535',
    ],
    [
      'missing UPDATE_TIME',
      seedWith('UPDATE_TIME'),
      'config.txt: UPDATE_TIME is missing: expected the daily maintenance time as hh:mm, e.g. UPDATE_TIME=04:00',
    ],
    [
      'missing SERIAL_PORT',
      seedWith('SERIAL_PORT'),
      "config.txt: SERIAL_PORT is missing: expected the terminal's port, e.g. SERIAL_PORT=COM8, SERIAL_PORT=/dev/ttyUSB0, SERIAL_PORT=tcp://host:port or SERIAL_PORT=simulator",
    ],
    [
      'missing LOCAL_PORT',
      seedWith('LOCAL_PORT'),
      'config.txt: LOCAL_PORT is missing: expected the HTTP port of the local API, e.g. LOCAL_PORT=8080',
    ],
    [
      'missing HIPAY_LOGIN',
      seedWith('HIPAY_LOGIN'),
      'config.txt: HIPAY_LOGIN is missing: expected the HiPay API login, e.g. HIPAY_LOGIN=94654727.stage-secure-gateway.hipay-tpp.com, or HIPAY_LOGIN=sandbox',
    ],
    [
      'missing HIPAY_PWD',
      seedWith('HIPAY_PWD'),
      'config.txt: HIPAY_PWD is missing: expected the HiPay API password',
    ],
    [
      'hour 25',
      [...seedWith('UPDATE_TIME').slice(0, 6), 'UPDATE_TIME=25:00'],
      'config.txt line 7: UPDATE_TIME=25:00 is not a time: expected hh:mm from 00:00 to 23:59',
    ],
    [
      'time without minutes',
      ['UPDATE_TIME=4h', ...seedWith('UPDATE_TIME')],
      'config.txt line 1: UPDATE_TIME=4h is not a time: expected hh:mm from 00:00 to 23:59',
    ],
    [
      'unknown protocol',
      ['TERMINAL_PROTOCOL=foo', ...SEED_LINES],
      'config.txt line 1: TERMINAL_PROTOCOL=foo is not a terminal protocol: expected concert-v2, concert-v3 or zvt',
    ],
    [
      'unknown key with a close known one',
      ['LOCAL_PROT=8080', ...SEED_LINES],
      'config.txt line 1: LOCAL_PROT is not a known key: did you mean LOCAL_PORT?',
    ],
    [
      'unknown key written with spaces',
      ['SERIAL PORT=COM8', ...SEED_LINES],
      'config.txt line 1: "SERIAL PORT" is not a known key: did you mean SERIAL_PORT?',
    ],
    [
      'unknown key far from every known one',
      ['COLOR=blue', ...SEED_LINES],
      'config.txt line 1: COLOR is not a known key: expected one of SERIAL_PORT, LOCAL_PORT, TERMINAL_MANAGER_LOGIN, ' +
        'TERMINAL_MANAGER_PWD, HIPAY_LOGIN, HIPAY_PWD, UPDATE_TIME, TERMINAL_PROTOCOL, TERMINAL_PROFILE, ZVT_PASSWORD, BAUD_RATE, SERIAL_FORMAT, ' +
        'BIND_ADDRESS, TP_MANAGER_ENDPOINT, HIPAY_URL, HIPAY_HASHKEY, HIPAY_MID, HIPAY_ACQUIRER_ID, PAYMENT_TIMEOUT_S, ' +
        'HIPAY_TIMEOUT_MS, UPDATE_SOURCE, LOG_LEVEL, LOG_FORMAT, KIOSK_ID',
    ],
    [
      'duplicate key',
      [...SEED_LINES, 'LOCAL_PORT=9090'],
      'config.txt lines 2 and 11: LOCAL_PORT is set twice: keep only one of them',
    ],
    [
      'bad baud rate',
      ['BAUD_RATE=9601', ...SEED_LINES],
      'config.txt line 1: BAUD_RATE=9601 is not a standard baud rate: expected one of 300, 600, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400',
    ],
    [
      'bad serial format',
      ['SERIAL_FORMAT=9N1', ...SEED_LINES],
      'config.txt line 1: SERIAL_FORMAT=9N1 is not a serial format: expected data bits 7 or 8, parity N, E or O, stop bits 1 or 2, e.g. 8N1 or 7E1',
    ],
    [
      'bad endpoint scheme',
      ['TP_MANAGER_ENDPOINT=ipc:///tmp/tp', ...SEED_LINES],
      'config.txt line 1: TP_MANAGER_ENDPOINT=ipc:///tmp/tp is not an endpoint: expected tcp://host:port, e.g. tcp://127.0.0.1:5555',
    ],
    [
      'wildcard endpoint host',
      ['TP_MANAGER_ENDPOINT=tcp://*:5555', ...SEED_LINES],
      'config.txt line 1: TP_MANAGER_ENDPOINT=tcp://*:5555 is not an endpoint: expected tcp://host:port, e.g. tcp://127.0.0.1:5555',
    ],
    [
      'bad serial port',
      ['SERIAL_PORT=ttyUSB0', ...seedWith('SERIAL_PORT')],
      'config.txt line 1: SERIAL_PORT=ttyUSB0 is not a terminal port: expected a serial port such as COM8 or /dev/ttyUSB0, tcp://host:port, or simulator',
    ],
    [
      'tcp terminal without a port',
      ['SERIAL_PORT=tcp://192.168.1.20', ...seedWith('SERIAL_PORT')],
      'config.txt line 1: SERIAL_PORT=tcp://192.168.1.20 is not a terminal port: expected a serial port such as COM8 or /dev/ttyUSB0, tcp://host:port, or simulator',
    ],
    [
      'bad bind address',
      ['BIND_ADDRESS=kiosk.local', ...SEED_LINES],
      'config.txt line 1: BIND_ADDRESS=kiosk.local is not an address: expected an IPv4 or IPv6 address (e.g. 127.0.0.1, 0.0.0.0 or ::1) or localhost',
    ],
    [
      'bad HiPay URL',
      ['HIPAY_URL=ftp://gateway', ...SEED_LINES],
      'config.txt line 1: HIPAY_URL=ftp://gateway is not a URL: expected an http:// or https:// base address, e.g. https://stage-secure-gateway.hipay-tpp.com',
    ],
    [
      'payment timeout too short',
      ['PAYMENT_TIMEOUT_S=5', ...SEED_LINES],
      'config.txt line 1: PAYMENT_TIMEOUT_S=5 is not a timeout: expected whole seconds from 10 to 900',
    ],
    [
      'HiPay timeout too long',
      ['HIPAY_TIMEOUT_MS=120000', ...SEED_LINES],
      'config.txt line 1: HIPAY_TIMEOUT_MS=120000 is not a timeout: expected milliseconds from 100 to 60000',
    ],
    [
      'update source over plain http',
      ['UPDATE_SOURCE=http://updates.example.com/manifest.json', ...SEED_LINES],
      'config.txt line 1: UPDATE_SOURCE=http://updates.example.com/manifest.json is not an update source: expected a directory or an https:// URL (releases are not fetched over plain http)',
    ],
    [
      'unknown log level',
      ['LOG_LEVEL=verbose', ...SEED_LINES],
      'config.txt line 1: LOG_LEVEL=verbose is not a log level: expected error, warn, info or debug',
    ],
    [
      'login with a colon',
      ['TERMINAL_MANAGER_LOGIN=kiosk:1', ...seedWith('TERMINAL_MANAGER_LOGIN')],
      'config.txt line 1: TERMINAL_MANAGER_LOGIN=kiosk:1 is not a login: expected no ":" in it (Basic auth puts one between login and password)',
    ],
    [
      'HiPay login without a gateway host',
      ['HIPAY_LOGIN=94654727', ...seedWith('HIPAY_LOGIN')],
      'config.txt line 1: HIPAY_LOGIN=94654727 has no gateway host after its first dot: expected a login such as 94654727.stage-secure-gateway.hipay-tpp.com, HIPAY_LOGIN=sandbox, or a HIPAY_URL',
    ],
    [
      'a line without "=" naming a key',
      ['LOCAL_PORT', ...seedWith('LOCAL_PORT')],
      'config.txt line 1: LOCAL_PORT has no value: expected LOCAL_PORT=<value>',
    ],
    [
      'a line starting with "="',
      ['=8080', ...SEED_LINES],
      'config.txt line 1: the line starts with "=": expected KEY=VALUE, e.g. LOCAL_PORT=8080',
    ],
    [
      'a value with a control character',
      ['LOCAL_PORT=80\u000080', ...seedWith('LOCAL_PORT')],
      'config.txt line 1: LOCAL_PORT=80\\x0080 is not a port: expected an integer from 1 to 65535',
    ],
  ];
  test.each(cases)('%s', (_name, lines, expected) => {
    expect(messageFor(lines)).toBe(expected);
  });

  test('an empty required value says "is empty", never a value', () => {
    expect(messageFor(seedWith('TERMINAL_MANAGER_PWD', 'TERMINAL_MANAGER_PWD=   '))).toBe(
      "config.txt line 10: TERMINAL_MANAGER_PWD is empty: expected the password of the local API's Basic auth",
    );
  });

  test('the first problem down the file is the one told', () => {
    expect(messageFor(['# header', 'BAUD_RATE=1', 'LOCAL_PORT=0', ...seedWith('LOCAL_PORT')])).toBe(
      'config.txt line 2: BAUD_RATE=1 is not a standard baud rate: expected one of 300, 600, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400',
    );
  });

  test('an environment override names the variable instead of a line', () => {
    expect(messageFor(SEED_LINES, { ECR_LOCAL_PORT: '70000' })).toBe(
      'environment ECR_LOCAL_PORT=70000 is not a port: expected an integer from 1 to 65535',
    );
  });

  test('the error carries the key and the line', () => {
    const err = errorOf(() => load(['LOCAL_PORT=70000', ...seedWith('LOCAL_PORT')]));
    expect(err.key).toBe('LOCAL_PORT');
    expect(err.line).toBe(1);
    expect(err.name).toBe('ConfigError');
  });

  test('a line without "=" is not echoed: it may be a password typed alone', () => {
    const message = messageFor([...SEED_LINES, 'Sup3rSecret!']);
    expect(message).toBe(
      'config.txt line 11: this line is not KEY=VALUE: expected a line such as LOCAL_PORT=8080, or a comment starting with #',
    );
  });

  test('missing config.txt names the path read and ECR_DATA_DIR', () => {
    const dir = tempDataDir();
    const expected = path.join(dir, 'config.txt');
    expect(errorOf(() => loadConfig({ dataDir: dir, env: {} })).message).toBe(
      `config.txt not found: read ${expected}; create it there, or set ECR_DATA_DIR to the data directory that holds it`,
    );
  });

  test('config.txt that is a directory cannot be read', () => {
    const dir = tempDataDir();
    fs.mkdirSync(path.join(dir, 'config.txt'));
    expect(errorOf(() => loadConfig({ dataDir: dir, env: {} })).message).toBe(
      `config.txt cannot be read: ${path.join(dir, 'config.txt')} (EISDIR); check that it is a readable file, or set ECR_DATA_DIR to another data directory`,
    );
  });

  test('no message is more than one line', () => {
    const message = messageFor(['LOCAL_PORT=1\r2', ...seedWith('LOCAL_PORT')]);
    expect(message).not.toMatch(/[\r\n]/);
  });
});

describe('HiPay merchant settings (issue 10): required unless HIPAY_LOGIN=sandbox', () => {
  // money rule 5: without them HiPay refuses every paid order (1010101) after the customer paid.
  test.each([
    ['HIPAY_HASHKEY', "the merchant's hash key given by HiPay"],
    ['HIPAY_MID', 'the merchant id (MID) of the acquirer contract given by HiPay'],
    ['HIPAY_ACQUIRER_ID', 'the acquirer registration id of the merchant contract given by HiPay'],
  ])('money rule 5: a missing %s stops the start with one line naming it', (key, expected) => {
    const err = errorOf(() => load(seedWith(key)));
    expect(err.key).toBe(key);
    expect(err.message).toMatch(new RegExp(`^config\\.txt: ${key} is missing: expected ${expected.replace(/[()]/g, '\\$&')}`));
    expect(err.message).toContain('not needed with HIPAY_LOGIN=sandbox');
    expect(err.message).not.toMatch(/[\r\n]/);
  });

  test('an empty HIPAY_MID= line is named with its line', () => {
    const lines = seedWith('HIPAY_MID', 'HIPAY_MID=');
    const err = errorOf(() => load(lines));
    expect(err.message).toMatch(new RegExp(`^config\\.txt line ${lines.length}: HIPAY_MID is empty: expected the merchant id`));
    expect(err.line).toBe(lines.length);
  });

  test('an empty ECR_HIPAY_ACQUIRER_ID does not replace the file value; a missing one is named', () => {
    expect(load(SEED_LINES, { ECR_HIPAY_ACQUIRER_ID: '' }).hipayAcquirerId).toBe('1234567');
    expect(messageFor(seedWith('HIPAY_ACQUIRER_ID'), { ECR_HIPAY_ACQUIRER_ID: ' ' })).toMatch(/^config\.txt: HIPAY_ACQUIRER_ID is missing/);
  });

  test('HIPAY_LOGIN=sandbox needs none of them: the embedded sandbox gets placeholders, no hash key', () => {
    const lines = seedWith('HIPAY_LOGIN', 'HIPAY_LOGIN=sandbox').filter((l) => !/^HIPAY_(HASHKEY|MID|ACQUIRER_ID)=/.test(l));
    const config = load(lines);
    expect(config.hipayHashkey).toBe('');
    expect(config.hipayMid).toBe('sandbox-mid');
    expect(config.hipayAcquirerId).toBe('sandbox-acquirer');
  });

  test('with HIPAY_LOGIN=sandbox, given values are kept', () => {
    expect(load(seedWith('HIPAY_LOGIN', 'HIPAY_LOGIN=sandbox')).hipayMid).toBe('00001340');
  });
});

describe('secrets', () => {
  test('configSummary masks passwords and the hash key and shows the rest', () => {
    const config = load([...SEED_LINES.filter((l) => !/^HIPAY_(HASHKEY|MID)=/.test(l)), 'HIPAY_HASHKEY=hk-secret', 'HIPAY_MID=00012']);
    const summary = configSummary(config);
    expect(summary.TERMINAL_MANAGER_PWD).toBe('***');
    expect(summary.HIPAY_PWD).toBe('***');
    expect(summary.HIPAY_HASHKEY).toBe('***');
    expect(summary.HIPAY_MID).toBe('00012');
    expect(summary.LOCAL_PORT).toBe('8080');
    expect(summary.UPDATE_TIME).toBe('04:00');
    expect(summary.SERIAL_FORMAT).toBe('8N1');
    expect(summary.DATA_DIR).toBe(config.dataDir);
    const text = JSON.stringify(summary);
    expect(text).not.toContain('Test_XXXXXXXXXXXXXXXXXXXXXXXX');
    expect(text).not.toContain('hk-secret');
    expect(text).not.toContain('"pwd"');
  });

  test('configSummary hides a password inside a URL', () => {
    const config = load([...SEED_LINES, 'UPDATE_SOURCE=https://ecr:upd4te@updates.example.com/m.json']);
    expect(configSummary(config).UPDATE_SOURCE).toBe('https://ecr:***@updates.example.com/m.json');
  });

  test('configSecrets lists the non-empty secrets for the logger', () => {
    expect(configSecrets(load(SEED_LINES))).toEqual(['pwd', 'Test_XXXXXXXXXXXXXXXXXXXXXXXX', 'hk-Secret-771']);
  });

  test('a misspelled password key is refused without echoing its value', () => {
    const message = messageFor([...SEED_LINES, 'HIPAY_PASSWORD=Sup3rSecret!']);
    expect(message).toBe('config.txt line 11: HIPAY_PASSWORD is not a known key: did you mean HIPAY_PWD?');
  });
});
