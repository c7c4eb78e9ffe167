/**
 * CLI: npm run hipay-sandbox -- --port 8089 --login L --password P [--host 127.0.0.1] [--hash-key K]
 * Prints one ready line, runs until SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startHipaySandbox } from './server';

const USAGE = 'usage: hipay-sandbox --login LOGIN --password PASSWORD [--port 8089] [--host 127.0.0.1] [--hash-key KEY]';

function fail(message: string): never {
  process.stderr.write(`hipay-sandbox: ${message}\n${USAGE}\n`);
  process.exit(2);
}

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  login: { type: 'string' },
  password: { type: 'string' },
  'hash-key': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function readArgs(): ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true }>>['values'] {
  try {
    return parseArgs({ options: OPTIONS, strict: true }).values;
  } catch (err) {
    fail((err as Error).message);
  }
}

async function main(): Promise<void> {
  const values = readArgs();
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const port = Number(values.port ?? '8089');
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a port number 0-65535, got '${values.port}'`);
  if (!values.login) fail('--login is required');
  if (!values.password) fail('--password is required');

  let sandbox: Awaited<ReturnType<typeof startHipaySandbox>>;
  try {
    sandbox = await startHipaySandbox({ port, host: values.host, login: values.login, password: values.password, hashKey: values['hash-key'] });
  } catch (err) {
    fail(`cannot listen on ${values.host ?? '127.0.0.1'}:${port}: ${(err as Error).message}`);
  }
  process.stdout.write(`hipay-sandbox ready on ${sandbox.url} (login ${values.login}; admin API at ${sandbox.url}/_sandbox/)\n`);
  const stop = (): void => {
    void sandbox.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
