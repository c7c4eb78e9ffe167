#!/usr/bin/env node
/*
 * Why did a program stop during its start? ONE line, from what it wrote to <data>/logs/<name>.out since the
 * launcher's offset. Used by await-start.js; also a command: node startup-reason.js <file> <byte offset> <name>
 *
 * The programs say it themselves ("supervisor: cannot start: config.txt line 2: ..."); a crash prints a stack, whose
 * headline ("Error: Cannot find module ...") is the reason; anything else: the last line that is not noise.
 */
'use strict';
const fs = require('node:fs');

function read(file, offsetText) {
  try {
    const bytes = fs.readFileSync(file);
    const offset = Math.min(Math.max(Number(offsetText) || 0, 0), bytes.length);
    return bytes.subarray(offset).toString('utf8');
  } catch {
    return '';
  }
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;
// "2026-11-27T15:37:44.094Z info  supervisor: " written by the programs' console logger.
const LOG_PREFIX = /^\d{4}-\d\d-\d\dT[\d:.]+Z?\s+(error|warn|info|http|verbose|debug|silly)\s+/i;

function isNoise(line) {
  return (
    line === '' ||
    /^at\s/.test(line) || // stack frames
    /^\^+$/.test(line) || // the caret under a source line
    /^=== /.test(line) || // the launcher's own marker
    /^\(node:\d+\)/.test(line) || // node warnings
    /^\(Use `node --trace-/.test(line) ||
    /^Node\.js v\d/.test(line) ||
    /^[{}[\]]/.test(line) || // dumped objects
    /^\w+: '.*',?$/.test(line) // their fields
  );
}

function pickReason(lines) {
  const last = (test) => [...lines].reverse().find(test);
  return (
    last((l) => /\bcannot start\b/i.test(l)) ||
    last((l) => /^(\w+)?(Error|Exception)( \[\w+\])?:/.test(l)) ||
    last((l) => /^\d{4}-\d\d-\d\dT\S+\s+error\s/i.test(l)) ||
    last((l) => !/^\d{4}-\d\d-\d\dT\S+\s+(info|debug|verbose|silly|http)\s/i.test(l)) ||
    lines[lines.length - 1]
  );
}

/** The reason line for program `name`, from the text it printed (`file` is named when it said nothing). */
function startupReason(text, name, file) {
  const lines = text
    .replace(ANSI, '')
    .split(/\r\n|\r|\n/)
    .map((l) => l.trim())
    .filter((l) => !isNoise(l));
  const reason = pickReason(lines);
  if (!reason) return `${name}: stopped at start without a word; see ${file}`;
  let message = reason.replace(LOG_PREFIX, '');
  // "supervisor: supervisor cannot start: X" (logger label + message) and "supervisor: cannot start: X" alike.
  if (message.startsWith(`${name}: `)) message = message.slice(name.length + 2);
  if (message.startsWith(`${name} `)) message = message.slice(name.length + 1);
  if (!/^cannot start\b/i.test(message)) message = `stopped at start: ${message}`;
  return `${name}: ${message}`;
}

module.exports = { startupReason, readFrom: read };

if (require.main === module) {
  const [file, offset, name] = process.argv.slice(2);
  process.stdout.write(startupReason(read(file, offset), name, file) + '\n');
}
