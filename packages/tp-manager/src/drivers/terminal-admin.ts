/**
 * What a protocol that can do more than pay offers the command handler (ZVT: status enquiry, end of day,
 * reset, terminal id). Concert has none of it: its driver has no admin and the handler answers 'unsupported'.
 */
import type { CheckStatus, TlcResult } from '@ecr/common';

export interface TerminalAdmin {
  /** The terminal's own status (ZVT 05 01), mapped to the contract's check; never invented. */
  status(): Promise<CheckStatus>;
  /** End of day: the terminal sends its batch to the acquirer; the contract's tlc answer from its totals. */
  telecollection(): Promise<TlcResult>;
  /** The terminal's own reset. */
  reset(): Promise<void>;
  /** The terminal id as the terminal reported it. */
  deviceId(): Promise<string>;
  /** The latest intermediate status of the payment in progress (undefined when none runs or none came). */
  readonly display: string | undefined;
}
