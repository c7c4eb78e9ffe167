/**
 * The faults a soak payment may meet, drawn with the seeded generator. Terminal faults are the simulator's
 * answer forms and outcomes (each cites its source in packages/terminal-simulator/README.md); process and
 * line faults are played by the soak itself; HiPay down is the sandbox's `unavailable` fault.
 */
import { NO_FAULTS, TIDY_ANSWERS } from '@ecr/terminal-simulator';
export type FaultName =
  | 'none'
  | 'decline'
  | 'abandon-red-key'
  | 'kill-tp-manager'
  | 'kill-supervisor'
  | 'cable-pulled'
  | 'late-answer'
  | 'repeated-answer'
  | 'unechoed-answer'
  | 'foreign-answer'
  | 'partial-approval'
  | 'hipay-down';

/** Relative weights: half the payments meet a fault. */
const WEIGHTS: [FaultName, number][] = [
  ['none', 40],
  ['decline', 5],
  ['abandon-red-key', 3],
  ['kill-tp-manager', 7],
  ['kill-supervisor', 7],
  ['cable-pulled', 5],
  ['late-answer', 5],
  ['repeated-answer', 6],
  ['unechoed-answer', 8],
  ['foreign-answer', 5],
  ['partial-approval', 3],
  ['hipay-down', 6],
];

export function drawFault(random: () => number): FaultName {
  const total = WEIGHTS.reduce((sum, [, w]) => sum + w, 0);
  let x = random() * total;
  for (const [name, weight] of WEIGHTS) {
    x -= weight;
    if (x < 0) return name;
  }
  return 'none';
}

export const TIDY_TERMINAL = { outcome: 'approve', delayMs: 300, faults: { ...NO_FAULTS } };

/**
 * The simulator's tidy answer forms, less the two it takes at start only: the profile (a start option, the
 * connector's TERMINAL_PROFILE must match it) and the card number (the soak follows the test card).
 */
function tidyAnswers(): Record<string, unknown> {
  const { profile: _profile, cardNumber: _cardNumber, ...forms } = TIDY_ANSWERS;
  return { ...forms };
}

/** What the simulator is told for this payment (always from the tidy terminal, so nothing leaks from the last one). */
export function terminalBehaviour(
  fault: FaultName,
  protocol: 'concert-v2' | 'concert-v3',
  random: () => number,
  lateDelayMs: number,
): Record<string, unknown> {
  const answers = tidyAnswers();
  const behaviour: Record<string, unknown> = { ...TIDY_TERMINAL, answers };
  const v3 = protocol === 'concert-v3';
  switch (fault) {
    case 'decline':
      behaviour.outcome = 'decline';
      if (v3) answers.reasonText = ' HOLDER INVALID';
      break;
    case 'abandon-red-key':
      behaviour.outcome = 'abandon';
      if (v3) answers.abandonAmount = random() < 0.5 ? 'zero' : 'empty';
      break;
    case 'late-answer':
      behaviour.delayMs = lateDelayMs;
      if (random() < 0.5) answers.answerReference = v3 ? 'desk5000' : 'zeros';
      break;
    case 'repeated-answer':
      answers.repeatAnswer = true;
      break;
    case 'unechoed-answer':
      answers.answerReference = v3 ? (random() < 0.5 ? 'desk5000' : 'absent') : 'zeros';
      if (!v3) answers.reportPadding = 'zeros';
      if (v3) answers.ticketForm = 'zt-container';
      break;
    case 'foreign-answer':
      behaviour.outcome = random() < 0.5 ? 'approve' : 'decline';
      answers.extraAnswer = { ref: '0000009999', outcome: random() < 0.7 ? 'approve' : 'decline', position: random() < 0.5 ? 'before' : 'after' };
      break;
    case 'partial-approval':
      answers.partialPercent = 50;
      break;
    default:
      break;
  }
  return behaviour;
}
