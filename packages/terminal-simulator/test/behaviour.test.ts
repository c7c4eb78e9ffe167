import fc from 'fast-check';
import { applyBehaviourPatch, NO_FAULTS, type Behaviour } from '../src/behaviour';

const BASE: Behaviour = { outcome: 'approve', delayMs: 100, faults: { ...NO_FAULTS } };

test('a patch changes only what it names; faults may be given nested or at the top level', () => {
  expect(applyBehaviourPatch(BASE, { outcome: 'abandon' })).toEqual({ ok: true, value: { ...BASE, outcome: 'abandon' } });
  expect(applyBehaviourPatch(BASE, { nakNext: 2, faults: { deaf: true } })).toEqual({
    ok: true,
    value: { ...BASE, faults: { ...NO_FAULTS, nakNext: 2, deaf: true } },
  });
  expect(applyBehaviourPatch(BASE, { noiseBeforeAnswer: 'FF00' })).toMatchObject({ ok: true, value: { faults: { noiseBeforeAnswer: 'ff00' } } });
});

test.each([
  [[], /behaviour must be a JSON object/],
  [{ outcome: 'approved' }, /outcome must be one of approve, decline, abandon, timeout, got "approved"/],
  [{ delayMs: -1 }, /delayMs must be an integer/],
  [{ delayMs: '10' }, /delayMs must be an integer/],
  [{ nakNext: 1.5 }, /nakNext must be an integer/],
  [{ noiseBeforeAnswer: 'xyz' }, /noiseBeforeAnswer must be hex bytes/],
  [{ garbageAnswer: 'yes' }, /garbageAnswer must be true or false/],
  [{ faults: { loud: true } }, /unknown fault "loud"/],
  [{ speed: 1 }, /unknown behaviour key "speed"/],
])('%j is refused with a clear message', (patch, message) => {
  const checked = applyBehaviourPatch(BASE, patch);
  expect(checked.ok).toBe(false);
  if (!checked.ok) expect(checked.error).toMatch(message);
});

test('any JSON value gives a result or one line of error, never an exception, and never changes the current behaviour', () => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.dictionary(fc.constantFrom('outcome', 'delayMs', 'nakNext', 'deaf', 'faults', 'x'), fc.jsonValue()), (any, dict) => {
      for (const patch of [any, dict]) {
        const before = JSON.stringify(BASE);
        const checked = applyBehaviourPatch(BASE, patch);
        expect(JSON.stringify(BASE)).toBe(before);
        if (!checked.ok) expect(checked.error).not.toContain('\n');
      }
    }),
    { numRuns: 300 },
  );
});
