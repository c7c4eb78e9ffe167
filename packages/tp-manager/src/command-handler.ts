/**
 * Carries out one IPC command. Everything but a payment answers at once; a payment answers when the
 * terminal does (or the wait ends). Errors become replies with a code, never an exception to the router.
 */
import * as os from 'node:os';
import { ConnectorError, type Command, type Reply } from '@ecr/common';
import { BusyError, type PaymentRunner } from './payment-runner';
import type { Journal } from './journal';
import type { TerminalDriver } from './drivers/terminal-driver';
import type { Line } from './transports/line';

export interface HandlerDeps {
  runner: PaymentRunner;
  journal: Journal;
  driver: TerminalDriver;
  line: Line;
  version: string;
  /** Called after the 'stop' reply is sent. */
  onStop(): void;
}

export function connectorVersion(version: string): string {
  return `${version}-tpa-${osName()}`;
}

/** "linux_64", "windows_64": the contract's os field. */
export function osName(): string {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  return `${platform}_${os.arch().includes('64') ? '64' : '32'}`;
}

export async function handleCommand(cmd: Command, deps: HandlerDeps): Promise<Reply> {
  const { runner, journal, driver, line } = deps;
  const id = cmd.id;
  try {
    switch (cmd.type) {
      case 'payment': {
        // A repeated id gets its first answer whatever its age; only a new command is checked.
        const problem = journal.get(cmd.id) ? undefined : paymentProblem(cmd);
        if (problem) throw new ConnectorError('bad-request', problem);
        return { id, ok: true, type: 'payment', entry: await runner.pay(cmd) };
      }
      case 'cancel': {
        const ended = runner.cancel();
        return ended ? { id, ok: true, type: 'cancel', cancelled: true, entry: await ended } : { id, ok: true, type: 'cancel', cancelled: false };
      }
      case 'check': {
        // A pulled cable is news even during a payment: "not connected" before "busy".
        if (line.state !== 'connected') return { id, ok: true, type: 'check', status: { cr: '3', card: '0', call: '0', periph: '0' }, link: line.state };
        if (runner.busy) return { id, ok: true, type: 'check', status: { cr: '1', card: '0', call: '0', periph: '0' }, link: line.state };
        const there = line.state === 'connected' && (await driver.probe());
        return { id, ok: true, type: 'check', status: { cr: there ? '0' : '3', card: '0', call: '0', periph: '0' }, link: line.state };
      }
      case 'tlc':
      case 'reset':
      case 'device-id':
        if (cmd.type === 'tlc' ? !driver.capabilities.tlc : cmd.type === 'reset' ? !driver.capabilities.reset : !driver.capabilities.deviceId) {
          throw new ConnectorError('unsupported', `the ${driver.protocol} protocol has no ${describe(cmd.type)} message`);
        }
        throw new ConnectorError('internal', `${cmd.type} is not implemented`);
      case 'version':
        return { id, ok: true, type: 'version', version: connectorVersion(deps.version) };
      case 'stop':
        setImmediate(deps.onStop);
        return { id, ok: true, type: 'stop' };
      case 'ping':
        return { id, ok: true, type: 'ping', link: line.state, busy: runner.busy };
      case 'journal-get':
        return { id, ok: true, type: 'journal-get', entry: journal.get(cmd.commandId) };
      case 'journal-since':
        return { id, ok: true, type: 'journal-since', entries: journal.since(cmd.after, Math.min(Math.max(cmd.limit, 1), 500)) };
      default:
        throw new ConnectorError('bad-request', `unknown command type ${(cmd as { type?: unknown }).type}`);
    }
  } catch (err) {
    if (err instanceof BusyError) return { id, ok: false, code: 'busy', message: err.message };
    if (err instanceof ConnectorError) return { id, ok: false, code: err.code, message: err.message };
    return { id, ok: false, code: 'internal', message: (err as Error).message };
  }
}

/** How old a payment command may be when it arrives: an older one waited in a queue the kiosk gave up on. */
export const PAYMENT_COMMAND_MAX_AGE_MS = 5000;

function paymentProblem(cmd: Extract<Command, { type: 'payment' }>): string | undefined {
  if (!Number.isSafeInteger(cmd.amount) || cmd.amount <= 0) return `payment amount must be a positive integer of minor units, got ${cmd.amount}`;
  if (typeof cmd.currencyNumeric !== 'string' || !/^\d{3}$/.test(cmd.currencyNumeric)) return `payment currency must be an ISO 4217 numeric code, got ${cmd.currencyNumeric}`;
  if (typeof cmd.orderId !== 'string' || cmd.orderId === '') return 'payment has no orderId';
  if (!Number.isFinite(cmd.timeoutMs) || cmd.timeoutMs <= 0) return `payment timeoutMs must be positive, got ${cmd.timeoutMs}`;
  if (!Number.isFinite(cmd.sentAt)) return 'payment has no sentAt';
  const age = Date.now() - cmd.sentAt;
  if (age > PAYMENT_COMMAND_MAX_AGE_MS) return `payment command arrived ${Math.round(age / 1000)} s after it was sent; refused, the supervisor has stopped waiting for it`;
  return undefined;
}

function describe(type: 'tlc' | 'reset' | 'device-id'): string {
  return type === 'tlc' ? 'telecollection' : type === 'reset' ? 'terminal reset' : 'serial number';
}
