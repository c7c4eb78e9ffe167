/** The soak's command line, read with node:util parseArgs; a bad value is one line and exit code 2. */
import { parseArgs } from 'node:util';

export interface SoakOptions {
  payments: number;
  seed: number;
  protocol: 'concert-v2' | 'concert-v3';
}

export const SOAK_USAGE = `usage: npm run soak -- [--payments N] [--seed S] [--protocol concert-v3|concert-v2]

Payments against the terminal simulator on a pseudo-terminal, through real tp-manager and supervisor
processes and the HiPay sandbox, with random faults (kill -9 of either process, cable pulled, late,
repeated, unechoed and foreign answers, partial approvals, HiPay down). Then the terminal's ledger, the
order book and HiPay are compared; exits 1 when a must-be-zero count is not zero.

  --payments N    payments to make (default 20)
  --seed S        seed of the fault plan: the same seed plays the same faults (default 1)
  --protocol P    concert-v3 (default) or concert-v2
  --help          this text`;

export type ParsedSoakArgs = { ok: true; value: SoakOptions } | { ok: 'help' } | { ok: false; error: string };

export function parseSoakArgs(argv: string[]): ParsedSoakArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { payments: { type: 'string' }, seed: { type: 'string' }, protocol: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    return { ok: false, error: (err as Error).message.split('\n')[0] };
  }
  if (values.help) return { ok: 'help' };
  const payments = Number(values.payments ?? '20');
  if (!Number.isSafeInteger(payments) || payments < 1 || payments > 10_000) return { ok: false, error: `--payments must be a whole number from 1 to 10000, got "${values.payments}"` };
  const seed = Number(values.seed ?? '1');
  if (!Number.isSafeInteger(seed) || seed < 0) return { ok: false, error: `--seed must be a whole number (0 or more), got "${values.seed}"` };
  const protocol = values.protocol ?? 'concert-v3';
  if (protocol !== 'concert-v2' && protocol !== 'concert-v3') return { ok: false, error: `--protocol must be concert-v3 or concert-v2, got "${protocol}"` };
  return { ok: true, value: { payments, seed, protocol } };
}
