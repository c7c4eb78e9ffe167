/**
 * Where a process spent its time, from a V8 .cpuprofile (node --cpu-prof): self time per function and per
 * module (a package of this repository, a dependency, or Node itself), over a window of the profile only,
 * so the start-up does not drown the payments. Blocking native calls (SQLite's fsync, a sync write) count as
 * the native function's self time, since V8 samples the stack of the blocked thread.
 */
import * as fs from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Hot {
  name: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  file: string;
  windowMs: number;
  busyMs: number;
  idleMs: number;
  /** Each sample goes to the activity of the frame nearest the top of its stack that has one (ACTIVITIES). */
  byActivity: Hot[];
  byModule: Hot[];
  byFunction: Hot[];
}

/** What a frame is doing for the connector, by where its code lives; checked in this order. */
const ACTIVITIES: [string, RegExp][] = [
  ['logging (winston, redaction)', /node_modules\/(winston|winston-transport|logform|triple-beam|readable-stream)\/|common\/(dist|src)\/(logger|log-|daily-file)/],
  ['SQLite (better-sqlite3, journal, order book, outbox)', /node_modules\/better-sqlite3\/|journal\.|order-book\.|outbox-store\./],
  ['HiPay HTTP client (axios)', /node_modules\/(axios|follow-redirects|form-data|proxy-from-env)\/|hipay\/client\./],
  ['ZeroMQ IPC', /node_modules\/zeromq\/|tp-client\.|\/router\.js|\/router\.ts/],
  ['serial port (serialport)', /node_modules\/@serialport\/|serialport\//],
  ['Concert protocol', /packages\/protocol\//],
  ['local API (express, body parsing, auth, validation)', /node_modules\/(express|router|body-parser|raw-body|express-basic-auth|ajv|ajv-formats|qs|type-is|content-type|on-finished|finalhandler|send|iconv-lite)\/|supervisor\/(dist|src)\/http\//],
  ['Node HTTP', /^node:_http|node:http/],
  ['garbage collector', /^\(garbage collector\)$/],
];

/** The module a frame belongs to: packages/<name>, node_modules/<pkg>, node:<internal>, or (native). */
export function moduleOf(url: string): string {
  if (url === '') return '(native)';
  const pkg = /packages\/([^/]+)\//.exec(url);
  const dep = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (dep) return dep[1]!;
  if (pkg) return `@ecr/${pkg[1]}`;
  if (url.startsWith('node:')) return url.split('/')[0]!;
  return url;
}

/**
 * Summarises the samples taken between fromMs and toMs after the profile started (undefined: all).
 * Idle is the "(idle)" node: the event loop waiting.
 */
export function summarizeProfile(file: string, fromMs?: number, toMs?: number, top = 12): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfByFunction = new Map<string, number>();
  const selfByModule = new Map<string, number>();
  const byActivity = new Map<string, number>();
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  const activityCache = new Map<number, string>();
  const activityOf = (id: number): string => {
    const cached = activityCache.get(id);
    if (cached !== undefined) return cached;
    let found = 'other';
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const cf = byId.get(at)!.callFrame;
      const where = cf.url || cf.functionName;
      const hit = ACTIVITIES.find(([, re]) => re.test(where));
      if (hit) {
        found = hit[0];
        break;
      }
    }
    activityCache.set(id, found);
    return found;
  };
  let t = profile.startTime;
  let idle = 0;
  let busy = 0;
  let windowUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    t += delta;
    const sinceStartMs = (t - profile.startTime) / 1000;
    if ((fromMs !== undefined && sinceStartMs < fromMs) || (toMs !== undefined && sinceStartMs > toMs)) continue;
    const next = profile.timeDeltas[i + 1] ?? 0; // a sample stands for the time until the next one
    windowUs += next;
    const node = byId.get(profile.samples[i]!);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      idle += next;
      continue;
    }
    busy += next;
    const activity = activityOf(node.id);
    byActivity.set(activity, (byActivity.get(activity) ?? 0) + next);
    const fn = `${functionName || '(anonymous)'} ${url ? `${shortUrl(url)}:${lineNumber + 1}` : '(native)'}`;
    selfByFunction.set(fn, (selfByFunction.get(fn) ?? 0) + next);
    const mod = moduleOf(url);
    selfByModule.set(mod, (selfByModule.get(mod) ?? 0) + next);
  }
  const rank = (m: Map<string, number>): Hot[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: us / 1000, share: busy > 0 ? us / busy : 0 }));
  return {
    file,
    windowMs: windowUs / 1000,
    busyMs: busy / 1000,
    idleMs: idle / 1000,
    byActivity: rank(byActivity),
    byModule: rank(selfByModule),
    byFunction: rank(selfByFunction),
  };
}

function shortUrl(url: string): string {
  const i = url.search(/(packages|node_modules)\//);
  return i >= 0 ? url.slice(i) : url.replace(/^file:\/\//, '');
}

/** The newest .cpuprofile in dir whose name holds the pid. */
export function profileOf(dir: string, pid: number): string | undefined {
  if (!fs.existsSync(dir)) return undefined;
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile') && f.includes(`.${pid}.`));
  return files.length > 0 ? `${dir}/${files.sort().pop()}` : undefined;
}
