/** What the update step of a maintenance run came to, as last-run.json and GET /health show it. */
export type UpdateOutcome =
  /** UPDATE_SOURCE is empty. */
  | 'not-configured'
  /** The source offers no newer version. */
  | 'up-to-date'
  /** The offered version was rolled back before; it is not tried again. */
  | 'skipped'
  /** The archive is not what the manifest promised (checksum, version, missing files): nothing changed. */
  | 'refused'
  /** The source could not be read, or the disk said no: nothing changed. */
  | 'failed'
  /** Handed to the switch runner, which stops the processes and starts the new release. */
  | 'switching'
  /** The new release runs and answered as healthy. */
  | 'installed'
  /** The new release did not become healthy: the previous one runs again. */
  | 'rolled-back';

export interface UpdateStep {
  outcome: UpdateOutcome;
  /** One line a technician can act on. */
  message: string;
  /** The version running when the run began. */
  from: string;
  /** The version offered by UPDATE_SOURCE, when it was read. */
  to?: string;
}
