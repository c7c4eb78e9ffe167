/**
 * Checks nextRunAt in the time zone of this process (TZ), which Jest cannot change inside a test: run by
 * schedule.test.ts as `TZ=<zone> node --import tsx schedule-in-zone.ts`. Prints "ok offset <minutes on 15 January 2024>" or the failure.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { nextRunAt } from '../../src/maintenance/schedule';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** The instants of 2020-2035 when this zone's offset changes (found hour by hour, then to the minute). */
function offsetChanges(): number[] {
  const changes: number[] = [];
  const end = Date.parse('2036-01-01T00:00:00Z');
  for (let t = Date.parse('2020-01-01T00:00:00Z'); t < end; t += HOUR) {
    const before = new Date(t).getTimezoneOffset();
    if (new Date(t + HOUR).getTimezoneOffset() === before) continue;
    let m = t;
    while (new Date(m).getTimezoneOffset() === before) m += MINUTE;
    changes.push(m);
  }
  return changes;
}
const changes = offsetChanges();

// Half the cases anywhere, half within a day and a half of a daylight-saving change (where naive code breaks).
const nowArb = fc.oneof(
  fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true }),
  ...(changes.length
    ? [
        fc
          .tuple(fc.constantFrom(...changes), fc.integer({ min: -36 * 60 * 60, max: 36 * 60 * 60 }))
          .map(([change, seconds]) => new Date(change + seconds * 1000)),
      ]
    : []),
);

fc.assert(
  fc.property(
    nowArb,
    fc.integer({ min: 0, max: 23 }),
    fc.integer({ min: 0, max: 59 }),
    (now, hour, minute) => {
      const next = nextRunAt(now, { hour, minute });
      assert.ok(next.getTime() > now.getTime(), 'in the future');
      assert.ok(next.getTime() - now.getTime() <= 25 * HOUR, 'within a day and a daylight-saving shift');
      assert.equal(next.getSeconds(), 0);
      if (next.getHours() !== hour || next.getMinutes() !== minute) {
        // Only a time the clocks skipped that day: the offset changed within the last two hours.
        assert.notEqual(new Date(next.getTime() - 2 * HOUR).getTimezoneOffset(), next.getTimezoneOffset(), `${next.toString()} is not ${hour}:${minute}`);
      }
      // No moment between now and next reads hh:mm on the local clock, except the second pass of an hour
      // the clocks repeat (autumn): that day's run was at the first pass.
      for (let t = Math.floor(now.getTime() / MINUTE + 1) * MINUTE; t < next.getTime(); t += MINUTE) {
        const d = new Date(t);
        if (d.getHours() !== hour || d.getMinutes() !== minute) continue;
        const firstPass = new Date(d.getFullYear(), d.getMonth(), d.getDate(), hour, minute).getTime();
        assert.ok(firstPass < t, `missed ${d.toString()} before ${next.toString()}`);
      }
    },
  ),
  { numRuns: 200 },
);

if (zone === 'Europe/Paris') {
  const at = (y: number, mo: number, d: number, h: number, mi = 0, s = 0) => new Date(y, mo - 1, d, h, mi, s);
  // 04:00 stays 04:00 on the nights the clocks change: a 23 h day, a 25 h day.
  const spring = nextRunAt(at(2024, 3, 30, 4), { hour: 4, minute: 0 });
  assert.equal(spring.toISOString(), '2024-03-31T02:00:00.000Z');
  assert.equal(spring.getTime() - at(2024, 3, 30, 4).getTime(), 23 * HOUR);
  const autumn = nextRunAt(at(2024, 10, 26, 4), { hour: 4, minute: 0 });
  assert.equal(autumn.toISOString(), '2024-10-27T03:00:00.000Z');
  assert.equal(autumn.getTime() - at(2024, 10, 26, 4).getTime(), 25 * HOUR);
  // 02:30 does not exist on 31 March 2024: 03:30 that day, 02:30 again the next day.
  const skipped = nextRunAt(at(2024, 3, 31, 1), { hour: 2, minute: 30 });
  assert.equal(skipped.toISOString(), '2024-03-31T01:30:00.000Z');
  assert.equal(nextRunAt(skipped, { hour: 2, minute: 30 }).toISOString(), '2024-04-01T00:30:00.000Z');
  // 02:30 happens twice on 27 October 2024: one run, at the first.
  const twice = nextRunAt(at(2024, 10, 27, 1), { hour: 2, minute: 30 });
  assert.equal(twice.toISOString(), '2024-10-27T00:30:00.000Z');
  assert.equal(nextRunAt(twice, { hour: 2, minute: 30 }).toISOString(), '2024-10-28T01:30:00.000Z');
  // A second before the time, the run is a second away; at the time, it is tomorrow.
  assert.equal(nextRunAt(at(2024, 6, 10, 3, 59, 59), { hour: 4, minute: 0 }).getTime() - at(2024, 6, 10, 3, 59, 59).getTime(), 1000);
  assert.equal(nextRunAt(at(2024, 6, 10, 4), { hour: 4, minute: 0 }).getDate(), 11);
}

// The offset on a fixed day shows which zone this process really ran in.
process.stdout.write(`ok offset ${new Date('2024-01-15T12:00:00Z').getTimezoneOffset()}\n`);
