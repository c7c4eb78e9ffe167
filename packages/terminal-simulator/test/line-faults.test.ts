/**
 * The line faults as byte filters (line-faults.ts), without a link or a port: what the terminal hears and
 * what goes on the wire, whatever way the bytes are cut into reads. The faults test the connector's side of
 * money rule 1 (a spoiled line is never read as a terminal's Failure), so they must do exactly what they say.
 */
import fc from 'fast-check';
import { ACK, ENQ, EOT, frame, STX } from '@ecr/protocol';
import { IncomingFaults, OutgoingFaults } from '../src/line-faults';
import { NO_FAULTS, type Faults } from '../src';

const faultsOf = (patch: Partial<Faults>): Faults => ({ ...NO_FAULTS, ...patch });

/** Cuts bytes at the given points (any order, repeats and out-of-range points allowed). */
function cut(bytes: Buffer, points: number[]): Buffer[] {
  const at = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let from = 0;
  for (const p of [...at, bytes.length]) {
    pieces.push(bytes.subarray(from, p));
    from = p;
  }
  return pieces;
}

// Concert payloads are ASCII text: no STX or ETX inside.
const payload = fc.uint8Array({ minLength: 0, maxLength: 40 }).map((b) => Buffer.from(b.map((x) => 0x20 + (x % 0x5f))));
const controls = fc.constantFrom(Buffer.from([ENQ]), Buffer.from([EOT]), Buffer.from([ACK]), Buffer.alloc(0));

describe('incoming: what the terminal hears', () => {
  it('deaf: nothing at all, whatever comes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 50 }), (bytes) => {
        const filter = new IncomingFaults(() => faultsOf({ deaf: true, nakNext: 3 }), true);
        expect(filter.filter(Buffer.from(bytes))).toBeUndefined();
      }),
    );
  });

  it('nakNext N: the LRC of the first N frames is spoiled and nothing else, however the reads are cut; N counts down', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(controls, payload), { minLength: 1, maxLength: 5 }),
        fc.nat({ max: 6 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (parts, n, points) => {
          const faults = faultsOf({ nakNext: n });
          const filter = new IncomingFaults(() => faults, true);
          const frames = parts.map(([, p]) => frame(p));
          const stream = Buffer.concat(parts.flatMap(([c], i) => [c, frames[i] as Buffer]));
          const expected = Buffer.concat(
            parts.flatMap(([c], i) => {
              const f = Buffer.from(frames[i] as Buffer);
              if (i < n) f[f.length - 1] ^= 0xff;
              return [c, f];
            }),
          );
          const heard = cut(stream, points).map((piece) => filter.filter(piece) as Buffer);
          expect(Buffer.concat(heard)).toEqual(expected);
          expect(faults.nakNext).toBe(Math.max(0, n - parts.length));
        },
      ),
    );
  });

  it('nakNext on raw TCP: no frames, so the bytes pass as they are and nothing is counted down', () => {
    const faults = faultsOf({ nakNext: 2 });
    const filter = new IncomingFaults(() => faults, false);
    const bytes = frame(Buffer.from('CZ0040320'));
    expect(filter.filter(bytes)).toEqual(bytes);
    expect(faults.nakNext).toBe(2);
  });

  it('reset forgets a frame in progress: the next connection\'s first byte is not taken for an LRC', () => {
    const faults = faultsOf({ nakNext: 1 });
    const filter = new IncomingFaults(() => faults, true);
    const half = frame(Buffer.from('0120000000'));
    filter.filter(half.subarray(0, half.length - 1)); // up to ETX: the LRC is due next
    filter.reset();
    expect(filter.filter(Buffer.from([ENQ]))).toEqual(Buffer.from([ENQ]));
    expect(faults.nakNext).toBe(1);
  });
});

describe('outgoing: what goes on the wire', () => {
  const answer = frame(Buffer.from('0120000000'));

  it('no fault: each write passes as it is', () => {
    const filter = new OutgoingFaults(() => NO_FAULTS);
    filter.answerStarts();
    expect(filter.filter(Buffer.from([ENQ]))).toEqual([Buffer.from([ENQ])]);
    expect(filter.filter(answer)).toEqual([answer]);
  });

  it('noiseBeforeAnswer: the noise is a write of its own before the answer\'s first write (its ENQ), once per answer', () => {
    const filter = new OutgoingFaults(() => faultsOf({ noiseBeforeAnswer: '41ff00' }));
    expect(filter.filter(Buffer.from([EOT]))).toEqual([Buffer.from([EOT])]); // not armed: not an answer
    filter.answerStarts();
    expect(filter.filter(Buffer.from([ENQ]))).toEqual([Buffer.from([0x41, 0xff, 0x00]), Buffer.from([ENQ])]);
    expect(filter.filter(answer)).toEqual([answer]);
    filter.answerStarts();
    expect(filter.filter(Buffer.from([ENQ]))).toHaveLength(2);
  });

  it('garbageAnswer: the answer\'s first frame goes out once with its LRC spoiled; the resend is good', () => {
    const filter = new OutgoingFaults(() => faultsOf({ garbageAnswer: true }));
    filter.answerStarts();
    expect(filter.filter(Buffer.from([ENQ]))).toEqual([Buffer.from([ENQ])]); // not a frame: waits for one
    const [first] = filter.filter(answer);
    expect(first?.subarray(0, -1)).toEqual(answer.subarray(0, -1));
    expect(first?.[first.length - 1]).toBe((answer[answer.length - 1] as number) ^ 0xff);
    expect(filter.filter(answer)).toEqual([answer]);
    expect(answer[0]).toBe(STX);
  });

  it('the faults in force when the answer starts apply to it; reset forgets what was armed', () => {
    const faults = faultsOf({ garbageAnswer: true, noiseBeforeAnswer: 'ff' });
    const filter = new OutgoingFaults(() => faults);
    filter.answerStarts();
    faults.garbageAnswer = false;
    faults.noiseBeforeAnswer = '';
    expect(filter.filter(Buffer.from([ENQ]))).toHaveLength(2);
    expect(filter.filter(answer)[0]).not.toEqual(answer);
    faults.garbageAnswer = true;
    faults.noiseBeforeAnswer = 'ff';
    filter.answerStarts();
    filter.reset();
    expect(filter.filter(Buffer.from([ENQ]))).toEqual([Buffer.from([ENQ])]);
    expect(filter.filter(answer)).toEqual([answer]);
  });
});
