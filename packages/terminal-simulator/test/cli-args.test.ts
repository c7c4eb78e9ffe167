import { TIDY_ANSWERS } from '../src/answer-forms';
import { NO_FAULTS } from '../src/behaviour';
import { parseCliArgs } from '../src/cli-args';

const ok = (argv: string[]) => {
  const parsed = parseCliArgs(argv);
  if (parsed.ok !== true) throw new Error(`expected success, got ${JSON.stringify(parsed)}`);
  return parsed.value;
};
const error = (argv: string[]) => {
  const parsed = parseCliArgs(argv);
  if (parsed.ok !== false) throw new Error(`expected an error, got ${JSON.stringify(parsed)}`);
  return parsed.error;
};

test('a serial line: link framing, 9600 baud, approve after 1 s unless told otherwise', () => {
  expect(ok(['--protocol', 'concert-v2', '--serial', '/dev/ttyUSB0'])).toEqual({
    protocol: 'concert-v2',
    endpoint: { kind: 'serial', path: '/dev/ttyUSB0', baudRate: 9600 },
    framing: 'link',
    outcome: 'approve',
    delayMs: 1000,
    controlPort: undefined,
    requestLogPath: undefined,
    answerLogPath: undefined,
    faults: NO_FAULTS,
    answers: TIDY_ANSWERS,
  });
});

test('--profile and --behaviour set how answers are shaped at start; a bad value is one line', () => {
  expect(
    ok(['--protocol', 'concert-v3', '--listen', 'tcp://127.0.0.1:0', '--profile', 'hipay-nepting', '--behaviour', '{"answerReference":"desk5000","deaf":true}']),
  ).toMatchObject({ answers: { profile: 'hipay-nepting', answerReference: 'desk5000' }, faults: { deaf: true } });
  expect(error(['--protocol', 'concert-v3', '--listen', 'tcp://127.0.0.1:0', '--behaviour', '{"partialPercent":0}'])).toMatch(
    /^--behaviour: partialPercent must be an integer from 1 to 100, got 0$/,
  );
  expect(error(['--protocol', 'concert-v3', '--listen', 'tcp://127.0.0.1:0', '--behaviour', 'nope'])).toMatch(/--behaviour must be a JSON object/);
  expect(error(['--protocol', 'concert-v2', '--serial', '/dev/x', '--profile', 'hipay-nepting'])).toMatch(/raw TLV over TCP/);
});

test('tcp: raw TLV for concert-v3 (IP terminal), link framing for concert-v2 (serial server)', () => {
  expect(ok(['--protocol', 'concert-v3', '--listen', 'tcp://0.0.0.0:8888'])).toMatchObject({
    endpoint: { kind: 'tcp', host: '0.0.0.0', port: 8888 },
    framing: 'raw',
  });
  expect(ok(['--protocol', 'concert-v2', '--listen', 'tcp://127.0.0.1:0']).framing).toBe('link');
  expect(ok(['--protocol', 'concert-v3', '--listen', 'tcp://[::1]:9000', '--framing', 'link'])).toMatchObject({
    endpoint: { host: '::1', port: 9000 },
    framing: 'link',
  });
});

test('every option, also in --name=value form', () => {
  expect(
    ok([
      '--protocol=concert-v3', '--serial', '/tmp/b', '--baud', '115200', '--outcome', 'timeout',
      '--delay-ms=0', '--control-port', '0', '--request-log', '/tmp/r.jsonl',
    ]),
  ).toMatchObject({ endpoint: { baudRate: 115200 }, outcome: 'timeout', delayMs: 0, controlPort: 0, requestLogPath: '/tmp/r.jsonl' });
  expect(parseCliArgs(['--help'])).toEqual({ ok: 'help' });
});

test.each([
  [[], /--protocol must be concert-v2, concert-v3 or zvt, got nothing/],
  [['--protocol', 'concert-v2', '--serial', '/a', '--listen', 'tcp://h:1'], /exactly one of --serial/],
  [['--protocol', 'concert-v2', '--serial'], /--serial needs a value/],
  [['--protocol', 'concert-v2', '--serial', '--outcome', 'approve'], /--serial needs a value/],
  [['--protocol', 'concert-v2', '--serial', '/a', '--baud', '9601'], /--baud must be one of .*got "9601"/],
  [['--protocol', 'concert-v3', '--listen', 'tcp://h:1', '--baud', '9600'], /--baud applies to --serial only/],
  [['--protocol', 'concert-v3', '--listen', 'tcp://h:65536'], /--listen must look like/],
  [['--protocol', 'concert-v3', '--listen', 'http://h:80'], /--listen must look like/],
  [['--protocol', 'concert-v2', '--serial', '/a', '--framing', 'raw'], /raw exists for concert-v3 \(raw TLV\) and zvt \(bare APDUs\) over TCP only/],
  [['--protocol', 'concert-v3', '--serial', '/a', '--framing', 'raw'], /serial line uses the link layer/],
  [['--protocol', 'concert-v3', '--serial', '/a', '--framing', 'tlv'], /--framing must be link or raw/],
  [['--protocol', 'concert-v3', '--serial', '/a', '--delay-ms', '1.5'], /--delay-ms must be a whole number/],
  [['--protocol', 'concert-v3', '--serial', '/a', '--control-port', '-1'], /--control-port must be a TCP port/],
  [['--protocol', 'concert-v3', '--serial', '/a', '--request-log', ' '], /--request-log needs a file path/],
  [['--protocol', 'concert-v3', '--serial', '/a', '--outcome', 'approve', '--outcome', 'decline'], /--outcome given twice/],
  [['--protocol', 'concert-v3', '--serial', '/a', 'extra'], /unexpected argument "extra"/],
  [['--protocol', 'concert-v3', '--serial', '/a', '--port', '1'], /unknown option --port/],
])('%j is refused with a message naming the problem', (argv, message) => {
  expect(error(argv)).toMatch(message);
});
