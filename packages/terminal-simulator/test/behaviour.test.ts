import fc from 'fast-check';
import { TIDY_ANSWERS } from '../src/answer-forms';
import { applyBehaviourPatch, NO_FAULTS, type Behaviour } from '../src/behaviour';

const BASE: Behaviour = { outcome: 'approve', delayMs: 100, faults: { ...NO_FAULTS }, answers: { ...TIDY_ANSWERS } };

test('answer forms may be given nested under answers or at the top level', () => {
  const extra = { ref: '0000009999', outcome: 'approve' };
  expect(applyBehaviourPatch(BASE, { answers: { answerReference: 'desk5000' }, extraAnswer: extra, partialPercent: 50 })).toEqual({
    ok: true,
    value: { ...BASE, answers: { ...TIDY_ANSWERS, answerReference: 'desk5000', extraAnswer: { ...extra, position: 'after' }, partialPercent: 50 } },
  });
});

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
  [{ answerReference: 'mirror' }, /answerReference must be one of echo, zeros, desk5000, absent/],
  [{ answers: { reasonText: 'X'.repeat(49) } }, /reasonText must be 0 to 48 printable ASCII characters/],
  [{ cfSeparator: '1d1d' }, /cfSeparator must be one byte in hex/],
  [{ approvedAmount: -1 }, /approvedAmount must be a whole number/],
  [{ extraAnswer: { ref: '0000009999', outcome: 'approved' } }, /extraAnswer.outcome must be approve or decline/],
  [{ extraAnswer: { ref: '0000009999', outcome: 'approve', when: 1 } }, /extraAnswer has unknown key "when"/],
  [{ answers: { speed: 1 } }, /unknown answer form "speed"/],
])('%j is refused with a clear message', (patch, message) => {
  const checked = applyBehaviourPatch(BASE, patch);
  expect(checked.ok).toBe(false);
  if (!checked.ok) expect(checked.error).toMatch(message);
});

test('any JSON value gives a result or one line of error, never an exception, and never changes the current behaviour', () => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.dictionary(fc.constantFrom('outcome', 'delayMs', 'nakNext', 'deaf', 'faults', 'answers', 'extraAnswer', 'approvedAmount', 'reasonText', 'x'), fc.jsonValue()), (any, dict) => {
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
