/** The bench's command line. */
import * as path from 'node:path';
import { REPO_ROOT } from './proc';

export type Line = 'pty' | 'tcp';

export interface Options {
  payments: number;
  maintenance: number;
  warmup: number;
  starts: number;
  protocol: 'concert-v2' | 'concert-v3';
  /**
   * How the terminal is reached, one run each: a socat pseudo-terminal (a serial line, the Concert link
   * layer) and TCP (an IP terminal: the simulator with --listen, Concert V3 as raw TLV).
   */
  lines: Line[];
  /** Build (tsc -b) before the run; --no-build benches the JavaScript compiled already. */
  build: boolean;
  logLevel: string;
  cpuProf: boolean;
  /** Preload gc-probe.cjs: after the run, a full GC in each process and its live heap (leak or lazy GC?). */
  gcProbe: boolean;
  /** Seconds to wait idle after the run before reading memory once more (V8 collects when idle). */
  settle: number;
  /** Extra node flags for tp-manager and the supervisor (e.g. --max-semi-space-size=1). */
  nodeFlags: string[];
  /** Tree tp-manager and the supervisor run from: a copy of the repository with a change to try. */
  root: string;
  /** Write each process's console output there at the end (with --node-flag=--trace-gc, say). */
  dumpOutput?: string;
  out: string;
}

export const USAGE =
  'usage: npm run bench -- [--payments N] [--maintenance N] [--warmup N] [--starts N] [--settle S] [--protocol concert-v3|concert-v2] [--line both|pty|tcp] [--no-build] [--log-level L] [--cpu-prof] [--gc-probe] [--node-flag F]... [--root DIR] [--dump-output DIR] [--out FILE]\n' +
  '  --line both (default) runs over a pseudo-terminal, then over TCP (Concert V3 raw TLV; results in FILE with -tcp before .json)\n' +
  '  --no-build benches the JavaScript compiled already (npm run build otherwise runs first)';

export function parseOptions(args: string[]): Options {
  // --key=value is --key value
  const argv = args.flatMap((a) => (/^--[\w-]+=/.test(a) ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a]));
  const o: Options = { payments: 400, maintenance: 200, warmup: 30, starts: 3, protocol: 'concert-v3', lines: ['pty', 'tcp'], build: true, logLevel: 'info', cpuProf: false, gcProbe: false, settle: 5, nodeFlags: [], root: REPO_ROOT, out: path.join(REPO_ROOT, 'bench', 'results.json') };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${key} needs a value; ${USAGE}`);
      return v;
    };
    const count = (min: number): number => {
      const v = value();
      const n = Number(v);
      if (!Number.isInteger(n) || n < min) throw new Error(`${key} must be a whole number >= ${min}, got ${v}`);
      return n;
    };
    if (key === '--payments') o.payments = count(1);
    else if (key === '--maintenance') o.maintenance = count(1);
    else if (key === '--warmup') o.warmup = count(0);
    else if (key === '--starts') o.starts = count(1);
    else if (key === '--protocol') {
      const v = value();
      if (v !== 'concert-v2' && v !== 'concert-v3') throw new Error(`--protocol must be concert-v2 or concert-v3, got ${v}`);
      o.protocol = v;
    } else if (key === '--line') {
      const v = value();
      if (v !== 'both' && v !== 'pty' && v !== 'tcp') throw new Error(`--line must be both, pty or tcp, got ${v}`);
      o.lines = v === 'both' ? ['pty', 'tcp'] : [v];
    } else if (key === '--no-build') o.build = false;
    else if (key === '--log-level') o.logLevel = value();
    else if (key === '--cpu-prof') o.cpuProf = true;
    else if (key === '--settle') o.settle = count(0);
    else if (key === '--gc-probe') o.gcProbe = true;
    else if (key === '--node-flag') o.nodeFlags.push(value());
    else if (key === '--root') o.root = path.resolve(value());
    else if (key === '--dump-output') o.dumpOutput = path.resolve(value());
    else if (key === '--out') o.out = path.resolve(value());
    else if (key === '--help' || key === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown option ${key}; ${USAGE}`);
  }
  // An IP terminal speaks Concert V3 (raw TLV); Concert V2 over TCP would be a serial server, not benched here.
  if (o.protocol === 'concert-v2' && o.lines.includes('tcp')) {
    if (argv.includes('--line')) throw new Error('--line tcp benches Concert V3 (raw TLV over TCP); with --protocol concert-v2 use --line pty');
    o.lines = ['pty'];
  }
  return o;
}

/** Where a line's results go: FILE for the pseudo-terminal, FILE with -tcp before .json for TCP. */
export function outFor(options: Options, line: Line): string {
  return line === 'pty' ? options.out : options.out.replace(/(\.json)?$/, '-tcp$1');
}
