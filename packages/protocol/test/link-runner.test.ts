/**
 * The one driving loop (issue 11 item 2): the machine's bytes are written before its events are passed on,
 * one timer at a time is armed at the machine's deadline, and a replaced or stopped machine's deadline fires
 * nothing. Driven here with the real ConcertLink on a virtual clock.
 */
import { ConcertLink, ENQ, EOT, LinkRunner, VirtualClock, type LinkEvent } from '../src';

function ecrRunner() {
  const clock = new VirtualClock();
  const log: string[] = [];
  const runner = new LinkRunner<ConcertLink, LinkEvent>({
    machine: new ConcertLink({ role: 'ecr', ackTimeoutMs: 1000, maxEnqRetries: 2 }),
    clock,
    write: (bytes) => log.push(`write ${Buffer.from(bytes).toString('hex')}`),
    onEvent: (event) => log.push(`event ${event.type}`),
  });
  return { clock, log, runner };
}

test('a send nobody answers: ENQ, then at each deadline what the link says, then send-failed; one timer at a time', () => {
  const { clock, log, runner } = ecrRunner();
  runner.do((link, now) => link.send(Buffer.from('x'), now));
  expect(log).toEqual([`write ${ENQ.toString(16).padStart(2, '0')}`]);
  let fired = 0;
  while (clock.fireNext()) fired++;
  expect(log[log.length - 1]).toBe('event send-failed');
  // The failure's EOT, if any, was written before the event was passed on.
  const failedAt = log.indexOf('event send-failed');
  expect(log.slice(0, failedAt).every((l) => l.startsWith('write'))).toBe(true);
  expect(log.filter((l) => l === `write 0${EOT}`).length).toBeGreaterThan(0);
  expect(fired).toBeGreaterThan(1);
  expect(clock.nextDue).toBeUndefined();
  expect(runner.machine.deadline).toBeUndefined();
});

test('replace(): the old machine\'s deadline fires nothing', () => {
  const { clock, log, runner } = ecrRunner();
  runner.do((link, now) => link.send(Buffer.from('x'), now));
  runner.replace(new ConcertLink({ role: 'ecr' }));
  clock.advance(60_000);
  expect(log).toEqual(['write 05']);
});

test('stop(): no timer is armed any more', () => {
  const { clock, runner } = ecrRunner();
  runner.stop();
  runner.do((link, now) => link.send(Buffer.from('x'), now));
  expect(clock.nextDue).toBeUndefined();
});

test('VirtualClock fires timers in due order, the earlier set first on a tie, and cancels', () => {
  const clock = new VirtualClock(100);
  const fired: string[] = [];
  clock.schedule(20, () => fired.push('b'));
  clock.schedule(10, () => fired.push('a'));
  clock.schedule(20, () => fired.push('c'));
  const cancel = clock.schedule(15, () => fired.push('never'));
  cancel();
  clock.advance(19);
  expect(fired).toEqual(['a']);
  expect(clock.now()).toBe(119);
  clock.advance(1);
  expect(fired).toEqual(['a', 'b', 'c']);
});
