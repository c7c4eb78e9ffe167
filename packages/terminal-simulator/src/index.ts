export { TerminalSimulator, type SimulatorOptions, type SimulatorEvents, type LineCounters } from './simulator';
export { serveSerial, type ServedSerial, type ServeOptions } from './serve-serial';
export { serveTcp, type ServedTcp } from './serve-tcp';
export { serveControl, type ControlServer } from './serve-control';
export {
  OUTCOMES,
  NO_FAULTS,
  applyBehaviourPatch,
  type Outcome,
  type Faults,
  type Behaviour,
  type BehaviourPatch,
} from './behaviour';
export type { RequestRecord, RequestTiming, Protocol, Framing } from './request-log';
export { TEST_CARD, TEST_MERCHANT } from './test-card';
export { cbTicketLines, formatAmount, type TicketFacts } from './cb-ticket';
export { parseCliArgs, USAGE, type CliOptions, type Endpoint } from './cli-args';
export {
  TIDY_ANSWERS,
  approvedAmountFor,
  type AnswerForms,
  type AnswerReference,
  type ReportPadding,
  type TicketForm,
  type AbandonAmount,
  type TerminalProfile,
  type ExtraAnswer,
} from './answer-forms';
export type { AnswerRecord, AnswerKind } from './answer-log';
export { DESK5000_CF, TELIUM_PRIVATE } from './shaped-answer';
export { writeRawTlv, readRawTlv } from './raw-tlv';
