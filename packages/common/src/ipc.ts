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
  /** The reference sent to the terminal (Concert private field), unique across recreated journals. */
  ref?: string;
}

/**
 * A terminal answer that could not surely be credited to one payment (a reference that is not ours, or no
 * echo and no single open payment whose amount and currency agree). Kept in the journal for reconciliation,
 * never guessed onto an order (money rule 3).
 */
export interface UnattributedAnswer {
  /** Row id in tp-manager's journal. */
  id: number;
  receivedAt: string;
  /** The reference the answer carried, if any. */
  ref?: string;
  result: PaymentResult;
  /** Why it was not credited, one line. */
  why: string;
}

export type Command =
  /**
   * sentAt (epoch ms): tp-manager refuses a payment command older than a few seconds, so one that waited in a
   * queue while tp-manager was away never reaches the terminal after the kiosk was told it failed.
   */
  | { id: string; type: 'payment'; orderId: string; amount: number; currencyNumeric: string; timeoutMs: number; sentAt: number }
  /**
   * Abort the payment in progress at the terminal. Only a protocol that has an abort message does it (ZVT
   * `06 B0`); the payment then ends with the terminal's own answer. Concert has none: 'unsupported'.
   */
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
  | { id: string; type: 'journal-since'; after: number; limit: number }
  /** Terminal answers kept for reconciliation (credited to no payment), newest first, at most limit. */
  | { id: string; type: 'unattributed'; limit: number };

export type CommandType = Command['type'];


/** What tp-manager tells about itself in every ping. */
export interface TpManagerState {
  link: LinkState;
  /** Why the link is not connected, one line (absent when connected). */
  linkReason?: string;
  busy: boolean;
  /** Id of tp-manager's journal; a new one means the journal was recreated: sync it from its start. */
  journalId: string;
  /** How many terminal answers are kept unattributed (GET /health shows them). */
  unattributed: number;
  /** Set while the journal cannot be written (disk full, I/O error): new payments are refused. */
  journalFault?: string;
  /**
   * The latest intermediate status the terminal showed during the payment in progress ("insert card",
   * "PIN entry"...), as the terminal worded it. Only protocols that report one (ZVT 04 FF); absent otherwise.
   */
  display?: string;
}

/**
 * Every reply carries `instance`, the id of the tp-manager process that answered (new at each start), so
 * the supervisor notices a restart at its next heartbeat, however short the restart was. The router adds it.
 */
export type Reply = ReplyBody & { instance?: string };

export type ReplyBody =
  | { id: string; ok: true; type: 'payment'; entry: JournalEntry }
  | { id: string; ok: true; type: 'cancel'; cancelled: boolean; entry?: JournalEntry }
  /** display: see TpManagerState.display (a payment in progress on a terminal that reports its status). */
  | { id: string; ok: true; type: 'check'; status: CheckStatus; link: LinkState; display?: string }
  | { id: string; ok: true; type: 'tlc'; result: TlcResult }
  | { id: string; ok: true; type: 'reset' }
  | { id: string; ok: true; type: 'device-id'; deviceId: string }
  | { id: string; ok: true; type: 'version'; version: string }
  | { id: string; ok: true; type: 'stop' }
  | ({ id: string; ok: true; type: 'ping' } & TpManagerState)
  | { id: string; ok: true; type: 'journal-get'; entry?: JournalEntry; journalId: string }
  | { id: string; ok: true; type: 'journal-since'; entries: JournalEntry[]; journalId: string }
  | { id: string; ok: true; type: 'unattributed'; answers: UnattributedAnswer[] }
  | { id: string; ok: false; code: ErrorCode; message: string };

export type LinkState = 'connected' | 'connecting' | 'disconnected';

export function encodeMessage(message: Command | Reply): Buffer {
  return Buffer.from(JSON.stringify(message));
}
