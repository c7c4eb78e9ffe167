/**
 * Error codes shared by tp-manager, the IPC contract and the supervisor. The HTTP layer maps each to a
 * status (supervisor/src/http/errors.ts); the message is always one line a person can act on.
 */
export type ErrorCode =
  | 'bad-request' // the client's input is wrong (400)
  | 'busy' // another payment is in progress (409)
  | 'in-progress' // this orderId is being paid right now (409)
  | 'unsupported' // the terminal protocol cannot do this call (501)
  | 'terminal-timeout' // the terminal did not answer (599)
  | 'not-connected' // the line to the terminal is down (599)
  | 'outcome-unknown' // tp-manager stopped answering during a payment: ask GET /order/{orderId} later (599)
  | 'not-found' // no such order (404)
  | 'unavailable' // tp-manager cannot record a payment now (journal not writable: disk full, I/O error) (503)
  | 'internal';

/** The contract's own words for a terminal that does not answer (its 599 example). */
export const CONNECTION_TIME_OUT = 'Connection time out';

export class ConnectorError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ConnectorError';
  }
}
