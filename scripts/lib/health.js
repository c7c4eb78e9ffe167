#!/usr/bin/env node
/*
 * Is the supervisor answering? GET /health on BIND_ADDRESS:LOCAL_PORT with the Basic auth of config.txt, within
 * 5 s (ECR_HEALTH_TIMEOUT_MS). Used by always-up.sh / always-up.cmd and the Docker health check.
 *
 * Plain JavaScript with no dependency, so it runs in any installation (built or not). It reads the few keys it
 * needs the way the programs do: <data dir>/config.txt (UTF-8 with or without BOM, UTF-16, ANSI), KEY=VALUE,
 * keys in any case, quotes around values dropped; ECR_<KEY> in the environment wins.
 *
 * Exit 0: answered 200. Exit 1: not answering (the reason on stdout, one line). Exit 2: cannot tell (config).
 */
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const KEYS = ['LOCAL_PORT', 'BIND_ADDRESS', 'TERMINAL_MANAGER_LOGIN', 'TERMINAL_MANAGER_PWD'];

function dataDir() {
  const fromEnv = (process.env.ECR_DATA_DIR || '').trim();
  return fromEnv ? path.resolve(fromEnv) : path.resolve(__dirname, '..', '..', 'data');
}

function decode(bytes) {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('latin1').decode(bytes);
  }
}

function readSettings() {
  const values = {};
  let text = '';
  try {
    text = decode(fs.readFileSync(path.join(dataDir(), 'config.txt')));
  } catch {
    // every key may come from the environment (containers)
  }
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/)) {
    const line = raw.trim();
    const eq = line.indexOf('=');
    if (line === '' || line.startsWith('#') || eq < 1) continue;
    const key = line.slice(0, eq).trim().toUpperCase();
    let value = line.slice(eq + 1).trim();
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0])) value = value.slice(1, -1);
    if (KEYS.includes(key)) values[key] = value;
  }
  for (const key of KEYS) {
    const fromEnv = (process.env[`ECR_${key}`] || '').trim();
    if (fromEnv) values[key] = fromEnv;
  }
  return values;
}

/** The address to call: a wildcard bind is reached on loopback. */
function hostFor(bind) {
  const bare = (bind || '127.0.0.1').replace(/^\[(.*)\]$/, '$1');
  if (bare === '0.0.0.0' || bare === '') return '127.0.0.1';
  if (bare === '::' || bare === '::0') return '::1';
  return bare;
}

function finish(code, message) {
  if (message) process.stdout.write(message + '\n');
  process.exit(code);
}

function main() {
  const s = readSettings();
  const port = Number(s.LOCAL_PORT);
  if (!/^\d{1,5}$/.test(s.LOCAL_PORT || '') || port < 1 || port > 65535) {
    finish(2, `LOCAL_PORT is missing or not a port in ${path.join(dataDir(), 'config.txt')}`);
  }
  const host = hostFor(s.BIND_ADDRESS);
  const timeoutMs = Number(process.env.ECR_HEALTH_TIMEOUT_MS) > 0 ? Number(process.env.ECR_HEALTH_TIMEOUT_MS) : 5000;
  const auth = Buffer.from(`${s.TERMINAL_MANAGER_LOGIN || ''}:${s.TERMINAL_MANAGER_PWD || ''}`, 'utf8').toString('base64');
  const where = `http://${host.includes(':') ? `[${host}]` : host}:${port}/health`;
  const req = http.get(
    { host, port, path: '/health', headers: { authorization: `Basic ${auth}` } },
    (res) => {
      res.resume();
      if (res.statusCode === 200) finish(0);
      else finish(1, `answered GET ${where} with HTTP ${res.statusCode}`);
    },
  );
  const timer = setTimeout(() => {
    req.destroy();
    finish(1, `did not answer GET ${where} within ${timeoutMs / 1000} s`);
  }, timeoutMs);
  req.on('error', (err) => {
    clearTimeout(timer);
    finish(1, `did not answer GET ${where}: ${err.code || err.message}`);
  });
}

main();
