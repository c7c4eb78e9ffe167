/** The bench's command line. */
import * as path from 'node:path';
import { REPO_ROOT } from './proc';

export interface Options {
  payments: number;
  maintenance: number;
  warmup: number;
  starts: number;
  protocol: 'concert-v2' | 'concert-v3';
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
  'usage: npm run bench -- [--payments N] [--maintenance N] [--warmup N] [--starts N] [--settle S] [--protocol concert-v3|concert-v2] [--log-level L] [--cpu-prof] [--gc-probe] [--node-flag F]... [--root DIR] [--dump-output DIR] [--out FILE]';

export function parseOptions(args: string[]): Options {
  // --key=value is --key value
  const argv = args.flatMap((a) => (/^--[\w-]+=/.test(a) ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a]));
  const o: Options = { payments: 400, maintenance: 200, warmup: 30, starts: 3, protocol: 'concert-v3', logLevel: 'info', cpuProf: false, gcProbe: false, settle: 5, nodeFlags: [], root: REPO_ROOT, out: path.join(REPO_ROOT, 'bench', 'results.json') };
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
    } else if (key === '--log-level') o.logLevel = value();
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
  return o;
}
