/**
 * When the daily maintenance runs next: UPDATE_TIME in local time. Built from local calendar fields (year,
 * month, day, hour, minute) rather than "now + 24 h", so a daylight-saving change moves nothing: 04:00 stays
 * 04:00. A time that does not exist that day (skipped by a spring-forward change) comes out just after the gap.
 * A time that happens twice (autumn) runs once, at its first pass.
 */
import type { TimeOfDay } from '@ecr/common';

/** The first moment after `now` whose local time is `time` (strictly later: a run at 04:00 plans the next day). */
export function nextRunAt(now: Date, time: TimeOfDay): Date {
  for (let days = 0; days <= 2; days++) {
    const candidate = new Date(now.getFullYear(), now.getMonth(), now.getDate() + days, time.hour, time.minute, 0, 0);
    if (candidate.getTime() > now.getTime()) return candidate;
  }
  // Unreachable: two calendar days ahead is always later than now.
  throw new Error(`no next run found after ${now.toISOString()}`);
}

/** "04:00". */
export function timeText(time: TimeOfDay): string {
  return `${String(time.hour).padStart(2, '0')}:${String(time.minute).padStart(2, '0')}`;
}

/** "2030-01-10 04:00" in local time, for log lines. */
export function localText(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}`;
}
