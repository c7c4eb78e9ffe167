/**
 * How the simulated terminal shapes its answers, to play the real terminals the public sources describe
 * (each value names its source; /work/shared/reference/terminal-protocols.md, "Real terminals do not always
 * answer like the simulators"). The defaults are this simulator's tidy answers: every tag echoed.
 */
import { luhnValid } from '@ecr/common';
import type { Result } from '@ecr/protocol';

/**
 * What the answer carries where the cash register put its reference (V2 private field, V3 CF):
 * - `echo`: the request's value (tidy default);
 * - `zeros` (V2): `0000000000`, as a real Telium answers whatever was sent (Ousret/pyTeliumManager README,
 *   real exchange: `'_private': '0000000000'`);
 * - `desk5000` (V3): `CF=1010000000` on an approval whatever was sent, the request's CF otherwise
 *   (akretion/caisse-ap-ip `caisse_ap_ip_server.py`, written against an Ingenico Desk/5000);
 * - `absent` (V3): no CF at all (akretion's simulator, when the request had none, answers a failure without it).
 */
export type AnswerReference = 'echo' | 'zeros' | 'desk5000' | 'absent';
/** V2 report after the card number: `spaces` (tidy) or `zeros` (real Telium: PAN then zeros to 55, pyTeliumManager README). */
export type ReportPadding = 'spaces' | 'zeros';
/**
 * Where the V3 ticket goes: `codec` (AK/ZT as @ecr/protocol encodes a ticket), `zt-container`
 * (`ZT<len>CK003100AK<len><text>`, HiPay "Local API for Nepting"), `none` (akretion's simulator sends none).
 */
export type TicketForm = 'codec' | 'zt-container' | 'none';
/** CB of an abandoned V3 payment: `echo`, or `zero` / `empty` as a Desk/5000 on the red key (OCA/l10n-france issues 669-672). */
export type AbandonAmount = 'echo' | 'zero' | 'empty';
/** Request ending over raw TCP: `generic` (none; CR/LF is a broken tag) or `hipay-nepting` (CR/LF after each request). */
export type TerminalProfile = 'generic' | 'hipay-nepting';

export interface ExtraAnswer {
  /** Reference the extra answer carries (V2 private field, V3 CF), e.g. `0000009999`: not the cash register's. */
  ref: string;
  outcome: 'approve' | 'decline';
  /** Sent before or after the real answer. */
  position: 'before' | 'after';
}

export interface AnswerForms {
  profile: TerminalProfile;
  answerReference: AnswerReference;
  reportPadding: ReportPadding;
  ticketForm: TicketForm;
  /** Acquirer text after the 2-character V3 AF code (AF is 2 to 50 characters), e.g. ` HOLDER INVALID`; empty = none. */
  reasonText: string;
  /** One byte (hex) inside the answer's V3 CF, after the reference (HiPay: CF "may carry a separator character"); empty = none. */
  cfSeparator: string;
  /** Approve this amount instead of the one asked when lower (partial approval: V3 CB is the amount really paid); null = off. */
  approvedAmount: number | null;
  /** Approve this percentage of the amount asked, rounded down (100 = all). */
  partialPercent: number;
  abandonAmount: AbandonAmount;
  /** Send each final answer twice. */
  repeatAnswer: boolean;
  /** One more answer with another reference, before or after the real one; null = none. */
  extraAnswer: ExtraAnswer | null;
  /** Raw TCP: answers sent back to back go out in one write. */
  oneWrite: boolean;
  /**
   * The card the customer presents (13 to 19 digits, Luhn-valid; null = the test card 4970100000000014):
   * lets a test follow one number with random middle digits through the connector. V2 sends it in clear at
   * the start of the report, V3 masked in AA and on the ticket, as the terminals of terminal-protocols.md do.
   */
  cardNumber: string | null;
}

export const TIDY_ANSWERS: AnswerForms = {
  profile: 'generic',
  answerReference: 'echo',
  reportPadding: 'spaces',
  ticketForm: 'codec',
  reasonText: '',
  cfSeparator: '',
  approvedAmount: null,
  partialPercent: 100,
  abandonAmount: 'echo',
  repeatAnswer: false,
  extraAnswer: null,
  oneWrite: false,
  cardNumber: null,
};

export const ANSWER_FORM_KEYS = new Set<string>(Object.keys(TIDY_ANSWERS));

const CHOICES: Partial<Record<keyof AnswerForms, readonly string[]>> = {
  profile: ['generic', 'hipay-nepting'],
  answerReference: ['echo', 'zeros', 'desk5000', 'absent'],
  reportPadding: ['spaces', 'zeros'],
  ticketForm: ['codec', 'zt-container', 'none'],
  abandonAmount: ['echo', 'zero', 'empty'],
};

/** Sets one answer-form key from untrusted JSON; never throws. */
export function applyAnswerForm(forms: AnswerForms, key: string, value: unknown): Result<AnswerForms> {
  const k = key as keyof AnswerForms;
  const choices = CHOICES[k];
  if (choices) {
    if (typeof value !== 'string' || !choices.includes(value)) return bad(`${key} must be one of ${choices.join(', ')}, got ${show(value)}`);
    (forms as unknown as Record<string, unknown>)[key] = value;
    return { ok: true, value: forms };
  }
  switch (k) {
    case 'reasonText':
      if (typeof value !== 'string' || !/^[\x20-\x7e]{0,48}$/.test(value)) {
        return bad(`reasonText must be 0 to 48 printable ASCII characters (AF is at most 50 with its code), got ${show(value)}`);
      }
      forms.reasonText = value;
      break;
    case 'cfSeparator':
      if (typeof value !== 'string' || !/^(?:[0-9a-fA-F]{2})?$/.test(value)) return bad(`cfSeparator must be one byte in hex such as "1d", or "", got ${show(value)}`);
      forms.cfSeparator = value.toLowerCase();
      break;
    case 'approvedAmount':
      if (value !== null && (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)) {
        return bad(`approvedAmount must be a whole number of minor units (0 or more) or null, got ${show(value)}`);
      }
      forms.approvedAmount = value;
      break;
    case 'partialPercent':
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > 100) {
        return bad(`partialPercent must be an integer from 1 to 100, got ${show(value)}`);
      }
      forms.partialPercent = value;
      break;
    case 'repeatAnswer':
    case 'oneWrite':
      if (typeof value !== 'boolean') return bad(`${key} must be true or false, got ${show(value)}`);
      forms[k] = value;
      break;
    case 'cardNumber':
      if (value !== null && (typeof value !== 'string' || !/^\d{13,19}$/.test(value) || !luhnValid(value))) {
        return bad(`cardNumber must be null or 13 to 19 digits passing the Luhn check, got ${typeof value === 'string' ? `${value.length} characters` : `a ${typeof value}`}`); // never the number itself
      }
      forms.cardNumber = value;
      break;
    case 'extraAnswer': {
      const extra = checkExtraAnswer(value);
      if (!extra.ok) return extra;
      forms.extraAnswer = extra.value;
      break;
    }
    default:
      return bad(`unknown answer form "${key}"; known: ${[...ANSWER_FORM_KEYS].join(', ')}`);
  }
  return { ok: true, value: forms };
}

function checkExtraAnswer(value: unknown): Result<ExtraAnswer | null> {
  if (value === null) return { ok: true, value: null };
  const example = '{"ref":"0000009999","outcome":"approve","position":"before"}';
  if (typeof value !== 'object' || Array.isArray(value)) return bad(`extraAnswer must be null or an object such as ${example}`);
  const { ref, outcome, position = 'after', ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return bad(`extraAnswer has unknown key "${Object.keys(rest)[0]}"; known: ref, outcome, position`);
  if (typeof ref !== 'string' || !/^[\x20-\x7e]{1,10}$/.test(ref)) return bad(`extraAnswer.ref must be 1 to 10 printable characters, got ${show(ref)}`);
  if (outcome !== 'approve' && outcome !== 'decline') return bad(`extraAnswer.outcome must be approve or decline, got ${show(outcome)}`);
  if (position !== 'before' && position !== 'after') return bad(`extraAnswer.position must be before or after, got ${show(position)}`);
  return { ok: true, value: { ref, outcome, position } };
}

/** The amount the terminal approves for a request of `asked` minor units. */
export function approvedAmountFor(forms: AnswerForms, asked: number): number {
  let amount = Math.floor((asked * forms.partialPercent) / 100);
  if (forms.approvedAmount !== null) amount = Math.min(amount, forms.approvedAmount);
  return amount;
}

/** Keys that mean nothing for a protocol, so a test cannot believe it played a behaviour it did not. */
export function formsNotFor(protocol: 'concert-v2' | 'concert-v3', forms: AnswerForms): string | undefined {
  if (protocol === 'concert-v2') {
    if (forms.answerReference === 'desk5000' || forms.answerReference === 'absent') return `answerReference ${forms.answerReference} is a Concert V3 behaviour`;
    for (const key of ['ticketForm', 'reasonText', 'cfSeparator', 'abandonAmount', 'profile'] as const) {
      if (forms[key] !== TIDY_ANSWERS[key]) return `${key} is a Concert V3 behaviour`;
    }
  } else {
    if (forms.answerReference === 'zeros') return 'answerReference zeros is a Concert V2 behaviour (V3: desk5000 or absent)';
    if (forms.reportPadding !== 'spaces') return 'reportPadding is a Concert V2 behaviour';
  }
  return undefined;
}

function bad(error: string): { ok: false; error: string } {
  return { ok: false, error };
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
