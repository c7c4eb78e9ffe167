/**
 * The terminal simulator as a program:
 *   npm run simulator -- --protocol concert-v2 --serial /tmp/x/b --outcome approve --delay-ms 1000 --control-port 0
 * Prints one "simulator ready: ..." line once it listens; bad arguments: one line on stderr, exit code 2.
 */
import { TIDY_ANSWERS } from './answer-forms';
import { parseCliArgs, USAGE } from './cli-args';
import { serveControl, type ControlServer } from './serve-control';
import { serveSerial } from './serve-serial';
import { serveTcp } from './serve-tcp';
import { TerminalSimulator } from './simulator';
import { ZvtSimulator } from './zvt/zvt-simulator';

/** Resolves to an exit code, or 'running' once it serves (it then stops on SIGTERM / SIGINT). */
async function main(argv: string[]): Promise<number | 'running'> {
  const parsed = parseCliArgs(argv);
  if (parsed.ok === 'help') {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (!parsed.ok) {
    process.stderr.write(`terminal-simulator: ${parsed.error}\n${USAGE}\n`);
    return 2;
  }
  const options = parsed.value;
  let simulator: TerminalSimulator | ZvtSimulator;
  try {
    const common = { framing: options.framing, outcome: options.outcome, delayMs: options.delayMs, requestLogPath: options.requestLogPath, answerLogPath: options.answerLogPath, faults: options.faults, answers: options.answers };
    simulator = options.protocol === 'zvt' ? new ZvtSimulator(common) : new TerminalSimulator({
      protocol: options.protocol,
      framing: options.framing,
      outcome: options.outcome,
      delayMs: options.delayMs,
      requestLogPath: options.requestLogPath,
      answerLogPath: options.answerLogPath,
      faults: options.faults,
      answers: options.answers,
    });
  } catch (err) {
    process.stderr.write(`terminal-simulator: ${(err as Error).message} (--help for usage)\n`);
    return 2;
  }
  const say = (line: string): void => void process.stdout.write(line + '\n');
  const warn = (line: string): void => void process.stderr.write(`terminal-simulator: ${line}\n`);
  simulator.on('warning', warn);
  simulator.on('request', (r) =>
    say(`request: ${r.protocol} amount ${r.amount ?? '?'} currency ${r.currencyNumeric ?? '?'} reference "${r.reference ?? ''}" -> ${r.outcome}`),
  );
  simulator.on('answer-failed', (reason) => warn(`answer not delivered: ${reason}`));
  const shaped = Object.entries(simulator.behaviour.answers).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify((TIDY_ANSWERS as unknown as Record<string, unknown>)[k]));

  const closers: (() => Promise<void>)[] = [];
  let stopping = false;
  const stop = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    simulator.close();
    await Promise.allSettled(closers.map((close) => close()));
    process.exit(code);
  };
  process.on('SIGTERM', () => void stop(0));
  process.on('SIGINT', () => void stop(0));

  try {
    const endpoint = options.endpoint;
    const served =
      endpoint.kind === 'serial'
        ? await serveSerial(endpoint.path, endpoint.baudRate, simulator, { onError: warn })
        : await serveTcp(endpoint.host, endpoint.port, simulator, { onError: warn });
    closers.push(() => served.close());
    let control: ControlServer | undefined;
    if (options.controlPort !== undefined) {
      control = await serveControl('127.0.0.1', options.controlPort, simulator);
      closers.push(() => (control as ControlServer).close());
    }
    const framing = endpoint.kind === 'tcp' ? ` (${options.framing} framing)` : '';
    say(
      `simulator ready: ${options.protocol} on ${served.description}${framing}, outcome ${options.outcome}, delay ${options.delayMs} ms` +
        (shaped.length > 0 ? `, answers ${JSON.stringify(Object.fromEntries(shaped))}` : '') +
        (control ? `, control ${control.url}` : ''),
    );
  } catch (err) {
    warn((err as Error).message);
    await stop(1);
  }
  return 'running';
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 'running') process.exitCode = code;
  },
  (err: Error) => {
    process.stderr.write(`terminal-simulator: ${err.message}\n`);
    process.exit(1);
  },
);
