/**
 * The Concert link layer as a sans-I/O state machine: bytes and time in, bytes to write and events out.
 *
 * Sending:   ENQ -> (ACK) -> STX payload ETX LRC -> (ACK) -> EOT
 * Receiving: (ENQ) -> ACK -> (STX payload ETX LRC) -> ACK, or NAK on a bad LRC -> (EOT)
 *
 * One exchange at a time. A send or probe asked for while an exchange is running waits in a queue and starts
 * when the exchange ends (EOT or a timeout). Between exchanges the link is idle, with no deadline: a terminal
 * may answer a payment minutes after the request, as a new exchange it starts with its own ENQ.
 */
import { ACK, ENQ, EOT, ETX, NAK, STX } from './control';
import { frame, lrc } from './lrc';

export type LinkRole = 'ecr' | 'terminal';

export interface LinkOptions {
  role: LinkRole;
  /** Wait for ACK after our ENQ or our frame, and for the peer's EOT after we ACKed its frame. Default 3000. */
  ackTimeoutMs?: number;
  /** Wait for the peer's frame after we ACKed its ENQ (or NAKed a frame), and between two bytes of a frame. Default 3000. */
  frameTimeoutMs?: number;
  /** ENQ tries before send-failed 'no-answer'. Default 3. */
  maxEnqRetries?: number;
  /** Frame resends after a NAK before send-failed 'nak-limit'. Default 3. */
  maxNakRetries?: number;
  /** Pause between the EOT that ends an unanswered ENQ and the next ENQ. Default 500. */
  enqRetryPauseMs?: number;
  /** Longest payload sent or accepted; a longer incoming frame is dropped as noise. Default 4096. */
  maxPayloadBytes?: number;
}

export type SendFailure = 'no-answer' | 'nak-limit';

export type LinkEvent =
  /** A complete frame with a good LRC, which we ACKed. */
  | { type: 'message'; payload: Buffer }
  /** The peer ACKed our frame (we then sent EOT). */
  | { type: 'sent' }
  /** 'no-answer': ENQ never ACKed, or our frame neither ACKed nor NAKed in time. 'nak-limit': too many NAKs. */
  | { type: 'send-failed'; reason: SendFailure }
  /** Result of probe(): ENQ answered by ACK (then EOT), or not. */
  | { type: 'probe'; ok: boolean }
  /** Bytes that were ignored: outside an exchange, an incomplete frame, or a frame with a bad LRC that we NAKed. May hold card data: mask before logging. */
  | { type: 'noise'; bytes: Buffer };

export interface LinkStep {
  write: Buffer[];
  events: LinkEvent[];
}

export type LinkStateName = State['name'];

type SendJob = { kind: 'send'; frame: Buffer };
type Job = SendJob | { kind: 'probe' };

type State =
  | { name: 'idle' }
  /** We sent ENQ (try number `enqs`) and wait for ACK. */
  | { name: 'enq-sent'; job: Job; enqs: number; deadline: number }
  /** An ENQ went unanswered: we sent EOT and wait before the next ENQ. */
  | { name: 'enq-pause'; job: Job; enqs: number; deadline: number }
  /** We sent our frame (after `naks` NAKs) and wait for ACK or NAK. */
  | { name: 'frame-sent'; job: SendJob; naks: number; deadline: number }
  /**
   * We ACKed the peer's ENQ and read its frame: `frame` holds STX and the bytes after it (undefined before
   * STX); `lrcNext` once ETX came. `previous` is a payload already delivered in this exchange (see 'received').
   */
  | { name: 'receiving'; frame: number[] | undefined; lrcNext: boolean; previous?: Buffer; deadline: number }
  /** We ACKed a good frame and wait for EOT. */
  | { name: 'received'; payload: Buffer; deadline: number };

const DEFAULTS = {
  ackTimeoutMs: 3000,
  frameTimeoutMs: 3000,
  maxEnqRetries: 3,
  maxNakRetries: 3,
  enqRetryPauseMs: 500,
  maxPayloadBytes: 4096,
};

export class ConcertLink {
  readonly role: LinkRole;
  private readonly opts: typeof DEFAULTS;
  private state: State = { name: 'idle' };
  private readonly queue: Job[] = [];
  /** Ignored bytes not yet reported: consecutive noise becomes one event. */
  private noise: number[] = [];

  constructor(options: LinkOptions) {
    if (options.role !== 'ecr' && options.role !== 'terminal') {
      throw new RangeError(`link role must be 'ecr' or 'terminal', got ${String(options.role)}`);
    }
    this.role = options.role;
    this.opts = { ...DEFAULTS };
    const positive = ['ackTimeoutMs', 'frameTimeoutMs', 'maxEnqRetries', 'maxPayloadBytes'] as const;
    const nonNegative = ['maxNakRetries', 'enqRetryPauseMs'] as const;
    for (const key of [...positive, ...nonNegative]) {
      const v = options[key];
      if (v === undefined) continue;
      const min = (positive as readonly string[]).includes(key) ? 1 : 0;
      if (!Number.isSafeInteger(v) || v < min) {
        throw new RangeError(`link option ${key} must be an integer >= ${min}, got ${String(v)}`);
      }
      this.opts[key] = v;
    }
  }

  /** When to call tick(now); undefined while idle (nothing to wait for). */
  get deadline(): number | undefined {
    return this.state.name === 'idle' ? undefined : this.state.deadline;
  }

  /** Nothing being sent or received, and nothing queued. */
  get idle(): boolean {
    return this.state.name === 'idle' && this.queue.length === 0;
  }

  /** The state's name, for logs and tests. */
  get stateName(): LinkStateName {
    return this.state.name;
  }

  /** Sends one payload: ENQ -> ACK -> frame -> ACK -> EOT. Ends with 'sent' or 'send-failed'. */
  send(payload: Uint8Array, now: number): LinkStep {
    if (payload.length > this.opts.maxPayloadBytes) {
      throw new RangeError(`payload of ${payload.length} bytes is longer than maxPayloadBytes ${this.opts.maxPayloadBytes}`);
    }
    const job: SendJob = { kind: 'send', frame: frame(payload) };
    return this.run(now, (step) => this.enqueue(job, now, step));
  }

  /** Is the peer there: ENQ -> ACK -> EOT, one try. Ends with a 'probe' event. */
  probe(now: number): LinkStep {
    return this.run(now, (step) => this.enqueue({ kind: 'probe' }, now, step));
  }

  /** Bytes from the peer: any number, split anywhere. */
  receive(bytes: Uint8Array, now: number): LinkStep {
    return this.run(now, (step) => {
      for (const b of bytes) this.onByte(b, now, step);
    });
  }

  /** Applies the timeout when now >= deadline; harmless to call at any time. */
  tick(now: number): LinkStep {
    return this.run(now, () => undefined);
  }

  private run(now: number, body: (step: LinkStep) => void): LinkStep {
    if (!Number.isFinite(now)) throw new RangeError(`now must be a finite number of milliseconds, got ${now}`);
    const step: LinkStep = { write: [], events: [] };
    // A deadline that passed before these bytes arrived is applied first: a late ACK is not an ACK.
    this.expire(now, step);
    body(step);
    this.flushNoise(step);
    return step;
  }

  private expire(now: number, step: LinkStep): void {
    while (this.state.name !== 'idle' && now >= this.state.deadline) this.onTimeout(now, step);
  }

  private enqueue(job: Job, now: number, step: LinkStep): void {
    if (this.state.name === 'idle' && this.queue.length === 0) this.start(job, 1, now, step);
    else this.queue.push(job);
  }

  private start(job: Job, enqs: number, now: number, step: LinkStep): void {
    step.write.push(Buffer.from([ENQ]));
    this.state = { name: 'enq-sent', job, enqs, deadline: now + this.opts.ackTimeoutMs };
  }

  /** The exchange is over: go idle and start the next queued job, if any. */
  private finish(now: number, step: LinkStep): void {
    this.state = { name: 'idle' };
    const next = this.queue.shift();
    if (next) this.start(next, 1, now, step);
  }

  /** The peer's ENQ: ACK it and wait for its frame. */
  private acceptEnq(now: number, step: LinkStep, previous?: Buffer): void {
    step.write.push(Buffer.from([ACK]));
    this.state = { name: 'receiving', frame: undefined, lrcNext: false, previous, deadline: now + this.opts.frameTimeoutMs };
  }

  private onByte(b: number, now: number, step: LinkStep): void {
    const s = this.state;
    switch (s.name) {
      case 'idle':
        if (b === ENQ) this.acceptEnq(now, step);
        else this.noise.push(b);
        return;

      case 'enq-sent':
        if (b === ACK) {
          if (s.job.kind === 'probe') {
            step.write.push(Buffer.from([EOT]));
            this.emit(step, { type: 'probe', ok: true });
            this.finish(now, step);
          } else {
            step.write.push(s.job.frame);
            this.state = { name: 'frame-sent', job: s.job, naks: 0, deadline: now + this.opts.ackTimeoutMs };
          }
        } else if (b === ENQ && this.role === 'ecr') {
          // Both sides sent ENQ at once: the terminal goes first (its answer may be a payment result);
          // our job starts again, from its first ENQ, once the terminal's exchange is over.
          this.queue.unshift(s.job);
          this.acceptEnq(now, step);
        } else {
          this.noise.push(b);
        }
        return;

      case 'enq-pause':
        if (b === ENQ) {
          this.queue.unshift(s.job);
          this.acceptEnq(now, step);
        } else {
          this.noise.push(b);
        }
        return;

      case 'frame-sent':
        if (b === ACK) {
          step.write.push(Buffer.from([EOT]));
          this.emit(step, { type: 'sent' });
          this.finish(now, step);
        } else if (b === NAK) {
          if (s.naks >= this.opts.maxNakRetries) {
            step.write.push(Buffer.from([EOT]));
            this.emit(step, { type: 'send-failed', reason: 'nak-limit' });
            this.finish(now, step);
          } else {
            step.write.push(s.job.frame);
            this.state = { ...s, naks: s.naks + 1, deadline: now + this.opts.ackTimeoutMs };
          }
        } else {
          this.noise.push(b);
        }
        return;

      case 'receiving':
        this.onFrameByte(s, b, now, step);
        return;

      case 'received':
        if (b === EOT) this.finish(now, step);
        else if (b === ENQ) this.acceptEnq(now, step, s.payload);
        else if (b === STX) {
          // The peer did not see our ACK and sends its frame again.
          this.state = { name: 'receiving', frame: [STX], lrcNext: false, previous: s.payload, deadline: now + this.opts.frameTimeoutMs };
        } else {
          this.noise.push(b);
        }
        return;
    }
  }

  private onFrameByte(s: Extract<State, { name: 'receiving' }>, b: number, now: number, step: LinkStep): void {
    if (s.frame === undefined) {
      if (b === STX) {
        s.frame = [STX];
        s.deadline = now + this.opts.frameTimeoutMs;
      } else if (b === ENQ) {
        // The peer did not see our ACK and tries its ENQ again.
        step.write.push(Buffer.from([ACK]));
        s.deadline = now + this.opts.frameTimeoutMs;
      } else if (b === EOT) {
        // The peer ended the exchange (after a probe, or it gave up).
        this.finish(now, step);
      } else {
        this.noise.push(b);
      }
      return;
    }

    s.deadline = now + this.opts.frameTimeoutMs;
    if (s.lrcNext) {
      s.frame.push(b);
      const raw = Buffer.from(s.frame);
      s.frame = undefined;
      s.lrcNext = false;
      if (lrc(raw.subarray(1, raw.length - 1)) !== b) {
        step.write.push(Buffer.from([NAK]));
        this.noise.push(...raw);
        return;
      }
      step.write.push(Buffer.from([ACK]));
      const payload = raw.subarray(1, raw.length - 2);
      // A frame sent again because our ACK was lost is acknowledged but not delivered twice.
      if (!s.previous?.equals(payload)) this.emit(step, { type: 'message', payload });
      this.state = { name: 'received', payload, deadline: now + this.opts.ackTimeoutMs };
      return;
    }

    if (b === STX) {
      // A new frame starts: the bytes of the unfinished one were not a frame.
      this.noise.push(...s.frame);
      s.frame = [STX];
    } else if (b === ETX) {
      s.frame.push(b);
      s.lrcNext = true;
    } else if (s.frame.length > this.opts.maxPayloadBytes) {
      this.noise.push(...s.frame, b);
      s.frame = undefined;
    } else {
      s.frame.push(b);
    }
  }

  private onTimeout(now: number, step: LinkStep): void {
    const s = this.state;
    switch (s.name) {
      case 'idle':
        return;
      case 'enq-sent':
        step.write.push(Buffer.from([EOT]));
        if (s.job.kind === 'probe') {
          this.emit(step, { type: 'probe', ok: false });
          this.finish(now, step);
        } else if (s.enqs >= this.opts.maxEnqRetries) {
          this.emit(step, { type: 'send-failed', reason: 'no-answer' });
          this.finish(now, step);
        } else {
          this.state = { name: 'enq-pause', job: s.job, enqs: s.enqs, deadline: now + this.opts.enqRetryPauseMs };
        }
        return;
      case 'enq-pause':
        this.start(s.job, s.enqs + 1, now, step);
        return;
      case 'frame-sent':
        // Not resent: the peer may have taken the frame and lost only its ACK, and a payment request must
        // never reach the terminal twice. A late answer still arrives as a new exchange.
        step.write.push(Buffer.from([EOT]));
        this.emit(step, { type: 'send-failed', reason: 'no-answer' });
        this.finish(now, step);
        return;
      case 'receiving':
        if (s.frame) this.noise.push(...s.frame);
        this.finish(now, step);
        return;
      case 'received':
        this.finish(now, step);
        return;
    }
  }

  private emit(step: LinkStep, event: LinkEvent): void {
    this.flushNoise(step);
    step.events.push(event);
  }

  private flushNoise(step: LinkStep): void {
    if (this.noise.length === 0) return;
    step.events.push({ type: 'noise', bytes: Buffer.from(this.noise) });
    this.noise = [];
  }
}
