#!/usr/bin/env node
/*
 * Starts one program in the background, detached from the caller: its own session and process group on Linux
 * (setsid), no console window on Windows (survives closing the window launch.cmd ran in), stdin from nowhere,
 * stdout and stderr appended to its .out file. Prints "<pid> <offset>": the pid (also written to the pid file at
 * once, so no second copy can start while this one loads) and where its output begins in the .out file.
 *
 * Usage: node spawn-detached.js <out file> <pid file> <marker line> <working dir> <command> [args...]
 */
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');

const [outFile, pidFile, marker, cwd, command, ...args] = process.argv.slice(2);
if (!command) {
  process.stderr.write('usage: node spawn-detached.js <out file> <pid file> <marker line> <working dir> <command> [args...]\n');
  process.exit(2);
}

fs.appendFileSync(outFile, `${marker}\n`);
const offset = fs.statSync(outFile).size;
const out = fs.openSync(outFile, 'a');
const child = spawn(command, args, {
  cwd,
  detached: true,
  windowsHide: true,
  stdio: ['ignore', out, out],
  env: process.env,
});
child.once('error', (err) => {
  process.stderr.write(`cannot run ${command}: ${err.message}\n`);
  process.exit(1);
});
child.once('spawn', () => {
  fs.writeFileSync(pidFile, `${child.pid}\n`);
  process.stdout.write(`${child.pid} ${offset}\n`);
  child.unref();
  fs.closeSync(out);
});
