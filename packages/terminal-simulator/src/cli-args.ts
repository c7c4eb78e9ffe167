/**
 * The simulator's command line, checked in full before anything opens, so a mistake costs one clear line
 * (main.ts prints it and exits with code 2).
 */
import { TIDY_ANSWERS } from './answer-forms';
import type { Result } from '@ecr/protocol';
import { applyBehaviourPatch, checkDelayMs, isOutcome, NO_FAULTS, OUTCOMES, type Behaviour, type Outcome } from './behaviour';
import type { Framing, Protocol } from './request-log';

export type Endpoint = { kind: 'serial'; path: string; baudRate: number } | { kind: 'tcp'; host: string; port: number };

export interface CliOptions {
  protocol: Protocol | 'zvt';
  endpoint: Endpoint;
  framing: Framing;
  outcome: Outcome;
  delayMs: number;
  /** undefined = no control interface. */
  controlPort?: number;
  requestLogPath?: string;
  answerLogPath?: string;
  /** Faults and answer forms at start (--profile, --behaviour). */
  faults: Behaviour['faults'];
  answers: Behaviour['answers'];
}

export type ParsedArgs = Result<CliOptions> | { ok: 'help' };

export const USAGE = `usage: npm run simulator -- --protocol concert-v2|concert-v3|zvt (--serial PATH [--baud 9600] | --listen tcp://HOST:PORT)
       [--framing link|raw] [--outcome ${OUTCOMES.join('|')}] [--delay-ms 1000] [--control-port N] [--request-log FILE]
       [--answer-log FILE] [--profile generic|hipay-nepting] [--behaviour JSON]`;

const FLAGS = new Set(['protocol', 'serial', 'listen', 'framing', 'outcome', 'delay-ms', 'baud', 'control-port', 'request-log', 'answer-log', 'profile', 'behaviour']);
const BAUD_RATES = new Set([1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200]);

export function parseCliArgs(argv: readonly string[]): ParsedArgs {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return { ok: 'help' };
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) return fail(`unexpected argument "${arg}"; options start with --`);
    const [, name, inline] = m;
    if (!FLAGS.has(name)) return fail(`unknown option --${name}`);
    if (values.has(name)) return fail(`--${name} given twice`);
    const value = inline ?? argv[++i];
    if (value === undefined || (inline === undefined && value.startsWith('--'))) return fail(`--${name} needs a value`);
    values.set(name, value);
  }

  const protocol = values.get('protocol');
  if (protocol !== 'concert-v2' && protocol !== 'concert-v3' && protocol !== 'zvt') {
    return fail(`--protocol must be concert-v2, concert-v3 or zvt, got ${protocol === undefined ? 'nothing' : `"${protocol}"`}`);
  }

  const serial = values.get('serial');
  const listen = values.get('listen');
  if ((serial === undefined) === (listen === undefined)) return fail('give exactly one of --serial PATH or --listen tcp://HOST:PORT');
  let endpoint: Endpoint;
  if (serial !== undefined) {
    if (serial.trim() === '') return fail('--serial needs a device path such as /dev/ttyUSB0');
    const baud = values.get('baud') ?? '9600';
    if (!/^\d+$/.test(baud) || !BAUD_RATES.has(Number(baud))) {
      return fail(`--baud must be one of ${[...BAUD_RATES].join(', ')}, got "${baud}"`);
    }
    endpoint = { kind: 'serial', path: serial, baudRate: Number(baud) };
  } else {
    if (values.has('baud')) return fail('--baud applies to --serial only');
    const m = /^tcp:\/\/([^:/\s]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(listen ?? '');
    if (!m || Number(m[2]) > 65535) return fail(`--listen must look like tcp://127.0.0.1:8888, got "${listen}"`);
    endpoint = { kind: 'tcp', host: m[1].replace(/^\[|\]$/g, ''), port: Number(m[2]) };
  }

  const framingArg = values.get('framing');
  if (framingArg !== undefined && framingArg !== 'link' && framingArg !== 'raw') {
    return fail(`--framing must be link or raw, got "${framingArg}"`);
  }
  // An IP terminal speaks raw V3 TLV (ZVT: bare APDUs); a serial line (or a serial server on TCP) carries the link layer.
  const framing: Framing = framingArg ?? (endpoint.kind === 'tcp' && protocol !== 'concert-v2' ? 'raw' : 'link');
  if (framing === 'raw' && protocol === 'concert-v2') return fail('--framing raw exists for concert-v3 (raw TLV) and zvt (bare APDUs) over TCP only');
  if (framing === 'raw' && endpoint.kind === 'serial') return fail('--framing raw is for --listen tcp://...; a serial line uses the link layer');

  const outcome = values.get('outcome') ?? 'approve';
  if (!isOutcome(outcome)) return fail(`--outcome must be one of ${OUTCOMES.join(', ')}, got "${outcome}"`);

  const delayText = values.get('delay-ms') ?? '1000';
  const delay = checkDelayMs(/^\d+$/.test(delayText) ? Number(delayText) : NaN);
  if (!delay.ok) return fail(`--delay-ms must be a whole number of milliseconds (0 to 86400000), got "${delayText}"`);

  let controlPort: number | undefined;
  const control = values.get('control-port');
  if (control !== undefined) {
    if (!/^\d{1,5}$/.test(control) || Number(control) > 65535) {
      return fail(`--control-port must be a TCP port from 0 to 65535 (0 = any free port), got "${control}"`);
    }
    controlPort = Number(control);
  }

  const requestLogPath = values.get('request-log');
  if (requestLogPath !== undefined && requestLogPath.trim() === '') return fail('--request-log needs a file path');

  const answerLogPath = values.get('answer-log');
  if (answerLogPath !== undefined && answerLogPath.trim() === '') return fail('--answer-log needs a file path');

  // --behaviour takes what POST /behaviour takes; --profile is its `profile` key.
  let patch: unknown = {};
  const behaviourText = values.get('behaviour');
  if (behaviourText !== undefined) {
    try {
      patch = JSON.parse(behaviourText);
    } catch (err) {
      return fail(`--behaviour must be a JSON object such as '{"answerReference":"desk5000"}': ${(err as Error).message}`);
    }
  }
  const base: Behaviour = { outcome, delayMs: delay.value, faults: { ...NO_FAULTS }, answers: { ...TIDY_ANSWERS } };
  const shaped = applyBehaviourPatch(base, patch);
  if (!shaped.ok) return fail(`--behaviour: ${shaped.error}`);
  const profile = values.get('profile');
  if (profile !== undefined) {
    if (profile !== 'generic' && profile !== 'hipay-nepting') return fail(`--profile must be generic or hipay-nepting, got "${profile}"`);
    if ((framing !== 'raw' || protocol !== 'concert-v3') && profile !== 'generic') return fail('--profile hipay-nepting is about raw TLV over TCP (--listen with concert-v3)');
    shaped.value.answers.profile = profile;
  }

  return {
    ok: true,
    value: {
      protocol,
      endpoint,
      framing,
      outcome: shaped.value.outcome,
      delayMs: shaped.value.delayMs,
      controlPort,
      requestLogPath,
      answerLogPath,
      faults: shaped.value.faults,
      answers: shaped.value.answers,
    },
  };
}

function fail(error: string): { ok: false; error: string } {
  return { ok: false, error };
}
