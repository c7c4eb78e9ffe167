/**
 * Why did a program stop during its start? ONE line, from what it wrote to <data>/logs/<name>.out since the
 * starter's offset. The programs say it themselves ("supervisor: cannot start: config.txt line 2: ..."); a
 * crash prints a stack, whose headline ("Error: Cannot find module ...") is the reason; anything else: the last
 * line that is not noise.
 */
import * as fs from 'node:fs';

/** The text of `file` from byte `offset` on ('' when unreadable). */
export function readFrom(file: string, offset: number): string {
  try {
    const bytes = fs.readFileSync(file);
    const from = Math.min(Math.max(offset, 0), bytes.length);
    return bytes.subarray(from).toString('utf8');
  } catch {
    return '';
  }
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;
/** "2026-11-27T15:37:44.094Z info  supervisor: " written by the programs' console logger. */
const LOG_PREFIX = /^\d{4}-\d\d-\d\dT[\d:.]+Z?\s+(error|warn|info|http|verbose|debug|silly)\s+/i;

function isNoise(line: string): boolean {
  return (
    line === '' ||
    /^at\s/.test(line) || // stack frames
    /^\^+$/.test(line) || // the caret under a source line
    /^=== /.test(line) || // the starter's own marker
    /^\(node:\d+\)/.test(line) || // node warnings
    /^\(Use `node --trace-/.test(line) ||
    /^Node\.js v\d/.test(line) ||
    /^[{}[\]]/.test(line) || // dumped objects
    /^\w+: '.*',?$/.test(line) // their fields
  );
}

/** The line that says why, from lines without noise. */
export function pickReason(lines: readonly string[]): string | undefined {
  const last = (test: (l: string) => boolean) => [...lines].reverse().find(test);
  return (
    last((l) => /\bcannot start\b/i.test(l)) ??
    last((l) => /^(\w+)?(Error|Exception)( \[\w+\])?:/.test(l)) ??
    last((l) => /^\d{4}-\d\d-\d\dT\S+\s+error\s/i.test(l)) ??
    last((l) => !/^\d{4}-\d\d-\d\dT\S+\s+(info|debug|verbose|silly|http)\s/i.test(l)) ??
    lines[lines.length - 1]
  );
}

export function meaningfulLines(text: string): string[] {
  return text
    .replace(ANSI, '')
    .split(/\r\n|\r|\n/)
    .map((l) => l.trim())
    .filter((l) => !isNoise(l));
}

/** "<name>: cannot start: ..." or "<name>: stopped at start: ..." (`file` is named when it said nothing). */
export function startupReason(text: string, name: string, file: string): string {
  const reason = pickReason(meaningfulLines(text));
  if (!reason) return `${name}: stopped at start without a word; see ${file}`;
  let message = reason.replace(LOG_PREFIX, '');
  // "supervisor: supervisor cannot start: X" (logger label + message) and "supervisor: cannot start: X" alike.
  if (message.startsWith(`${name}: `)) message = message.slice(name.length + 2);
  if (message.startsWith(`${name} `)) message = message.slice(name.length + 1);
  if (!/^cannot start\b/i.test(message)) message = `stopped at start: ${message}`;
  return `${name}: ${message}`;
}
