/**
 * "Is the terminal there" without crowding the line: at most one probe per interval, concurrent callers
 * share the probe in flight, and a result younger than the interval is reused. On a 9600-baud line every
 * ENQ/EOT probe takes line time a payment may need (issue 9: 1,163 probes a second were measured).
 */
export class SharedProbe {
  private inFlight?: Promise<boolean>;
  private last?: { at: number; there: boolean };

  constructor(
    private readonly probe: () => Promise<boolean>,
    private readonly intervalMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Never rejects: a probe that fails says "not there". */
  check(): Promise<boolean> {
    if (this.inFlight) return this.inFlight;
    if (this.last && this.now() - this.last.at < this.intervalMs) return Promise.resolve(this.last.there);
    const run = this.probe()
      .catch(() => false)
      .then((there) => {
        this.last = { at: this.now(), there };
        this.inFlight = undefined;
        return there;
      });
    this.inFlight = run;
    return run;
  }
}
