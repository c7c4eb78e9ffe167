/**
 * Carries out one IPC command. Everything but a payment answers at once; a payment answers when the
 * terminal does (or the wait ends). Errors become replies with a code, never an exception to the router.
 */
import * as os from 'node:os';
import { ConnectorError, type CheckStatus, type Command, type ReplyBody, type TpManagerState } from '@ecr/common';
import { BusyError, type PaymentRunner } from './payment-runner';
import type { Journal } from './journal';
import type { TerminalAdmin } from './drivers/terminal-admin';
import type { PaymentDriver } from './drivers/terminal-driver';
import type { SharedProbe } from './shared-probe';
import type { Line } from './transports/line';

export interface HandlerDeps {
  runner: PaymentRunner;
  journal: Journal;
  driver: PaymentDriver;
  /** What the protocol can do beyond paying (ZVT); absent for Concert. */
  admin?: TerminalAdmin;
  line: Line;
  /** The line probe /check shares (at most one a second). */
  probe: SharedProbe;
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

/** What ping answers: the whole state the supervisor's heartbeat and GET /health show. */
export function tpManagerState(deps: Pick<HandlerDeps, 'runner' | 'journal' | 'line' | 'admin'>): TpManagerState {
  const { runner, journal, line } = deps;
  const state: TpManagerState = { link: line.state, busy: runner.busy, journalId: journal.id, unattributed: safe(() => journal.unattributedCount(), 0) };
  if (line.state !== 'connected') state.linkReason = line.reason;
  const fault = journal.fault;
  if (fault) state.journalFault = fault;
  const display = runner.busy ? deps.admin?.display : undefined;
  if (display) state.display = display;
  return state;
}

export async function handleCommand(cmd: Command, deps: HandlerDeps): Promise<ReplyBody> {
  const { runner, journal, driver, line } = deps;
  const id = cmd.id;
  try {
    // An answer the disk refused earlier is written as soon as it can be: try before every command.
    journal.flush();
    switch (cmd.type) {
      case 'payment': {
        // A repeated id gets its first answer whatever its age; only a new command is checked.
        const problem = journal.get(cmd.id) ? undefined : paymentProblem(cmd);
        if (problem) throw new ConnectorError('bad-request', problem);
        return { id, ok: true, type: 'payment', entry: await runner.pay(cmd) };
      }
      case 'cancel': {
        // Never a made-up end: a protocol without an abort message lets the payment go on (money rule 1).
        if (!driver.capabilities.abort) {
          throw new ConnectorError(
            'unsupported',
            `${driver.label} has no abort message: the payment goes on until the terminal answers (the customer can cancel on the terminal)`,
          );
        }
        // The abort is sent; the payment itself ends only with the terminal's own answer.
        const cancelled = await runner.abort();
        return { id, ok: true, type: 'cancel', cancelled };
      }
      case 'check': {
        // A pulled cable is news even during a payment: "not connected" before "busy".
        if (line.state !== 'connected') return { id, ok: true, type: 'check', status: { cr: '3', card: '0', call: '0', periph: '0' }, link: line.state };
        if (runner.busy) {
          // The terminal is not asked during a payment (one command at a time): what it last showed instead.
          const display = deps.admin?.display;
          return { id, ok: true, type: 'check', status: { cr: '1', card: '0', call: '0', periph: '0' }, link: line.state, ...(display ? { display } : {}) };
        }
        if (deps.admin) return { id, ok: true, type: 'check', status: await adminStatus(deps.admin), link: line.state };
        const there = await deps.probe.check();
        return { id, ok: true, type: 'check', status: { cr: there ? '0' : '3', card: '0', call: '0', periph: '0' }, link: line.state };
      }
      case 'tlc':
      case 'reset':
      case 'device-id': {
        const admin = deps.admin;
        if (!admin || (cmd.type === 'tlc' ? !driver.capabilities.tlc : cmd.type === 'reset' ? !driver.capabilities.reset : !driver.capabilities.deviceId)) {
          throw new ConnectorError('unsupported', `the ${driver.protocol} protocol has no ${describe(cmd.type)} message`);
        }
        // Money rule 2: nothing else goes to a terminal that holds a payment open.
        if (runner.busy) throw new BusyError(`a payment is in progress${runner.currentOrderId ? ` (orderId ${runner.currentOrderId})` : ''}; ask again once it has ended`);
        if (cmd.type === 'tlc') return { id, ok: true, type: 'tlc', result: await admin.telecollection() };
        if (cmd.type === 'reset') {
          await admin.reset();
          return { id, ok: true, type: 'reset' };
        }
        return { id, ok: true, type: 'device-id', deviceId: await admin.deviceId() };
      }
      case 'version':
        return { id, ok: true, type: 'version', version: connectorVersion(deps.version) };
      case 'stop':
        // Stopping now would leave the payment's outcome unknown: refused, nothing stops.
        if (runner.busy) throw new BusyError(`a payment is in progress${runner.currentOrderId ? ` (orderId ${runner.currentOrderId})` : ''}; tp-manager stops once it has ended`);
        setImmediate(deps.onStop);
        return { id, ok: true, type: 'stop' };
      case 'ping':
        return { id, ok: true, type: 'ping', ...tpManagerState(deps) };
      case 'journal-get': {
        const entry = journal.get(cmd.commandId);
        return entry ? { id, ok: true, type: 'journal-get', entry, journalId: journal.id } : { id, ok: true, type: 'journal-get', journalId: journal.id };
      }
      case 'journal-since':
        return { id, ok: true, type: 'journal-since', entries: journal.since(cmd.after, clampLimit(cmd.limit)), journalId: journal.id };
      case 'unattributed':
        return { id, ok: true, type: 'unattributed', answers: journal.unattributed(clampLimit(cmd.limit)) };
      default:
        throw new ConnectorError('bad-request', `unknown command type ${(cmd as { type?: unknown }).type}`);
    }
  } catch (err) {
    if (err instanceof BusyError) return { id, ok: false, code: 'busy', message: err.message };
    if (err instanceof ConnectorError) return { id, ok: false, code: err.code, message: err.message };
    return { id, ok: false, code: 'internal', message: String((err as Error)?.message ?? err).split('\n')[0]! };
  }
}

/** The terminal's status; a terminal busy with another command of ours (registration, end of day) is busy. */
async function adminStatus(admin: TerminalAdmin): Promise<CheckStatus> {
  try {
    return await admin.status();
  } catch (err) {
    if (err instanceof ConnectorError && err.code === 'busy') return { cr: '1', card: '0', call: '0', periph: '0' };
    if (err instanceof ConnectorError && err.code === 'not-connected') return { cr: '3', card: '0', call: '0', periph: '0' };
    throw err;
  }
}

function clampLimit(limit: unknown): number {
  return typeof limit === 'number' && Number.isFinite(limit) ? Math.min(Math.max(Math.floor(limit), 1), 500) : 100;
}

function safe<T>(read: () => T, otherwise: T): T {
  try {
    return read();
  } catch {
    return otherwise;
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
