/**
 * The contract between supervisor and tp-manager: JSON messages over a ZeroMQ Request -> Router socket.
 * Every command carries an id chosen by the supervisor; tp-manager remembers ids it has executed and
 * answers a repeated id with the first answer, so a command is never executed twice.
 */
import type { PaymentResult } from './payment-result';
import type { ErrorCode } from './errors';

export interface CheckStatus {
  /** Contract's CheckResponse: "0" ok, "1" busy, "2" maintenance, "3" not connected. */
  cr: '0' | '1' | '2' | '3';
  card: '0' | '1';
  call: '0' | '1' | '2';
  periph: '0' | '1' | '2' | '3';
}

export interface TlcResult {
  NbApp: string;
  App: { Name: string; Status: '0' | '1' | '2' | '3' }[];
}

/** A terminal transaction as tp-manager's journal keeps it. */
export interface JournalEntry {
  /** Command id. */
  id: string;
  orderId: string;
  amount: number;
  currencyNumeric: string;
  /** "pending" until the terminal answered (or gave up). */
  state: 'pending' | 'done';
  result?: PaymentResult;
  receivedAt: string;
  finishedAt?: string;
  /** Monotonic journal sequence number, for "entries since". */
  seq: number;
}

export type Command =
  /**
   * sentAt (epoch ms): tp-manager refuses a payment command older than a few seconds, so one that waited in a
   * queue while tp-manager was away never reaches the terminal after the kiosk was told it failed.
   */
  | { id: string; type: 'payment'; orderId: string; amount: number; currencyNumeric: string; timeoutMs: number; sentAt: number }
  /** Stop waiting for the payment in progress (the terminal may still answer later: it is journaled). */
  | { id: string; type: 'cancel' }
  | { id: string; type: 'check' }
  | { id: string; type: 'tlc' }
  | { id: string; type: 'reset' }
  | { id: string; type: 'device-id' }
  | { id: string; type: 'version' }
  | { id: string; type: 'stop' }
  /** Liveness probe; answered at once, never touches the terminal. */
  | { id: string; type: 'ping' }
  /** The journal entry of a payment command id (for a supervisor that lost the answer). */
  | { id: string; type: 'journal-get'; commandId: string }
  /** Finished journal entries with seq > after, oldest first, at most limit. */
  | { id: string; type: 'journal-since'; after: number; limit: number };

export type CommandType = Command['type'];


export type Reply =
  | { id: string; ok: true; type: 'payment'; entry: JournalEntry }
  | { id: string; ok: true; type: 'cancel'; cancelled: boolean; entry?: JournalEntry }
  | { id: string; ok: true; type: 'check'; status: CheckStatus; link: LinkState }
  | { id: string; ok: true; type: 'tlc'; result: TlcResult }
  | { id: string; ok: true; type: 'reset' }
  | { id: string; ok: true; type: 'device-id'; deviceId: string }
  | { id: string; ok: true; type: 'version'; version: string }
  | { id: string; ok: true; type: 'stop' }
  | { id: string; ok: true; type: 'ping'; link: LinkState; busy: boolean }
  | { id: string; ok: true; type: 'journal-get'; entry?: JournalEntry }
  | { id: string; ok: true; type: 'journal-since'; entries: JournalEntry[] }
  | { id: string; ok: false; code: ErrorCode; message: string };

export type LinkState = 'connected' | 'connecting' | 'disconnected';

export function encodeMessage(message: Command | Reply): Buffer {
  return Buffer.from(JSON.stringify(message));
}
