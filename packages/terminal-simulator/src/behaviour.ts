/**
 * What the simulated terminal does with the next payment, and the line faults it injects. One shape for the
 * constructor, setBehaviour() and the control interface's JSON, validated in one place so a bad value gets
 * one clear line whatever door it came through.
 */
import type { Result } from '@ecr/protocol';
import { ANSWER_FORM_KEYS, applyAnswerForm, TIDY_ANSWERS, type AnswerForms } from './answer-forms';

export type Outcome = 'approve' | 'decline' | 'abandon' | 'timeout';
export const OUTCOMES: readonly Outcome[] = ['approve', 'decline', 'abandon', 'timeout'];

export interface Faults {
  /** NAK the next N frames received (their LRC is treated as bad); counts down to 0. */
  nakNext: number;
  /** Bytes sent on the line before each answer's ENQ, as hex ("ff00a5"); empty = none. Link framing only. */
  noiseBeforeAnswer: string;
  /** Send each answer's frame first with a bad LRC (the resend after the ECR's NAK is good). Link framing only. */
  garbageAnswer: boolean;
  /** Ignore every byte received: no ACK, no answer, as if the cable were cut. */
  deaf: boolean;
}

export interface Behaviour {
  outcome: Outcome;
  /** Time the "customer" takes before the terminal answers a payment, milliseconds. */
  delayMs: number;
  faults: Faults;
  /** How answers are shaped to play real terminals (answer-forms.ts). */
  answers: AnswerForms;
}

/** What setBehaviour() and POST /behaviour accept: any subset, faults and answer forms also at the top level. */
export type BehaviourPatch = Partial<Omit<Behaviour, 'faults' | 'answers'>> &
  Partial<Faults> &
  Partial<AnswerForms> & { faults?: Partial<Faults>; answers?: Partial<AnswerForms> };

export const NO_FAULTS: Faults = { nakNext: 0, noiseBeforeAnswer: '', garbageAnswer: false, deaf: false };

const MAX_DELAY_MS = 24 * 3600 * 1000;
const BEHAVIOUR_KEYS = new Set(['outcome', 'delayMs', 'faults', 'answers']);
const FAULT_KEYS = new Set<string>(Object.keys(NO_FAULTS));

export function isOutcome(value: unknown): value is Outcome {
  return typeof value === 'string' && (OUTCOMES as readonly string[]).includes(value);
}

export function checkDelayMs(value: unknown): Result<number> {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > MAX_DELAY_MS) {
    return { ok: false, error: `delayMs must be an integer number of milliseconds from 0 to ${MAX_DELAY_MS}, got ${show(value)}` };
  }
  return { ok: true, value };
}

/** Applies an untrusted patch (JSON from the control interface) to a behaviour; never throws. */
export function applyBehaviourPatch(current: Behaviour, patch: unknown): Result<Behaviour> {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    return { ok: false, error: 'behaviour must be a JSON object such as {"outcome":"decline","delayMs":500}' };
  }
  const next: Behaviour = { ...current, faults: { ...current.faults }, answers: { ...(current.answers ?? TIDY_ANSWERS) } };
  const record = patch as Record<string, unknown>;
  for (const [key, value] of Object.entries(record)) {
    if (key === 'outcome') {
      if (!isOutcome(value)) return { ok: false, error: `outcome must be one of ${OUTCOMES.join(', ')}, got ${show(value)}` };
      next.outcome = value;
    } else if (key === 'delayMs') {
      const delay = checkDelayMs(value);
      if (!delay.ok) return delay;
      next.delayMs = delay.value;
    } else if (key === 'faults') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return { ok: false, error: 'faults must be a JSON object such as {"nakNext":1}' };
      }
      for (const [faultKey, faultValue] of Object.entries(value as Record<string, unknown>)) {
        const applied = applyFault(next.faults, faultKey, faultValue);
        if (!applied.ok) return applied;
      }
    } else if (key === 'answers') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return { ok: false, error: 'answers must be a JSON object such as {"answerReference":"desk5000"}' };
      }
      for (const [formKey, formValue] of Object.entries(value as Record<string, unknown>)) {
        const applied = applyAnswerForm(next.answers, formKey, formValue);
        if (!applied.ok) return applied;
      }
    } else if (FAULT_KEYS.has(key)) {
      const applied = applyFault(next.faults, key, value);
      if (!applied.ok) return applied;
    } else if (ANSWER_FORM_KEYS.has(key)) {
      const applied = applyAnswerForm(next.answers, key, value);
      if (!applied.ok) return applied;
    } else {
      const known = [...BEHAVIOUR_KEYS, ...FAULT_KEYS, ...ANSWER_FORM_KEYS].join(', ');
      return { ok: false, error: `unknown behaviour key "${key}"; known keys: ${known}` };
    }
  }
  return { ok: true, value: next };
}

function applyFault(faults: Faults, key: string, value: unknown): Result<Faults> {
  switch (key) {
    case 'nakNext':
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > 1000) {
        return { ok: false, error: `nakNext must be an integer from 0 to 1000, got ${show(value)}` };
      }
      faults.nakNext = value;
      return { ok: true, value: faults };
    case 'noiseBeforeAnswer':
      if (typeof value !== 'string' || !/^(?:[0-9a-fA-F]{2}){0,256}$/.test(value)) {
        return { ok: false, error: `noiseBeforeAnswer must be hex bytes such as "ff00a5" (at most 256 bytes), got ${show(value)}` };
      }
      faults.noiseBeforeAnswer = value.toLowerCase();
      return { ok: true, value: faults };
    case 'garbageAnswer':
    case 'deaf':
      if (typeof value !== 'boolean') return { ok: false, error: `${key} must be true or false, got ${show(value)}` };
      faults[key] = value;
      return { ok: true, value: faults };
    default:
      return { ok: false, error: `unknown fault "${key}"; known faults: ${[...FAULT_KEYS].join(', ')}` };
  }
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
