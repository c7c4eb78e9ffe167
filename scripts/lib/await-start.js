#!/usr/bin/env node
/*
 * Waits for programs just started by spawn-detached.js: each one is "started" once it logs
 * "<name> ready in ... (pid <pid>)", "stopped" if its process ends first (its reason, one line, from its .out
 * file; its pid file removed), or "not ready" after <wait s>. One line per program, each prefixed with <prefix>.
 * Exit 1 if any stopped.
 *
 * Usage: node await-start.js <data dir> <wait s> <prefix> <name> <pid> <offset> [<name> <pid> <offset>...]
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { startupReason, readFrom } = require('./startup-reason');

const [dataDir, waitText, prefix, ...rest] = process.argv.slice(2);
const pending = [];
for (let i = 0; i + 2 < rest.length; i += 3) {
  const name = rest[i];
  pending.push({ name, pid: Number(rest[i + 1]), offset: rest[i + 2], out: path.join(dataDir, 'logs', `${name}.out`) });
}
const waitS = Number(waitText) > 0 ? Number(waitText) : 20;
const deadline = Date.now() + waitS * 1000;
let status = 0;

function isAlive(pid) {
  try {
    // A zombie still answers kill(0): on Linux ask /proc for its state.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    // no /proc (Windows) or no such process
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function removePidFile(name, pid) {
  const file = path.join(dataDir, 'run', `${name}.pid`);
  try {
    if (fs.readFileSync(file, 'utf8').trim() === String(pid)) fs.unlinkSync(file);
  } catch {
    // already gone
  }
}

function check() {
  for (const p of [...pending]) {
    const text = readFrom(p.out, p.offset);
    let line;
    if (new RegExp(`${escape(p.name)} ready in .*\\(pid ${p.pid}\\)`).test(text)) {
      line = `${p.name}: started (pid ${p.pid})`;
    } else if (!isAlive(p.pid)) {
      status = 1;
      removePidFile(p.name, p.pid);
      line = startupReason(readFrom(p.out, p.offset), p.name, p.out);
    } else if (Date.now() >= deadline) {
      line = `${p.name}: started (pid ${p.pid}) but not ready after ${waitS} s; see ${p.out}`;
    } else {
      continue;
    }
    process.stdout.write(prefix + line + '\n');
    pending.splice(pending.indexOf(p), 1);
  }
  if (pending.length === 0) process.exit(status);
  setTimeout(check, 200);
}

check();
