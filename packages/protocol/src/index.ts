export { decoded, decodeError } from './decode-result';
export { fail, ok, type Result } from './result';
export { luhnValid, maskPan, maskPansInText, maskZeroPaddedPan } from './pan';
export type { PaymentOutcome, TerminalPaymentResult } from './payment-result';
export {
  LinkRunner,
  readingMachine,
  type LinkMachine,
  type LinkRunnerOptions,
  type MachineStep,
  type ReadingMachine,
  type RunnerClock,
  type TimedMachine,
} from './runner/link-runner';
export { VirtualClock } from './runner/virtual-clock';
export { ACK, controlName, ENQ, EOT, ETX, NAK, STX } from './concert/control';
export { frame, lrc, unframe } from './concert/lrc';
export {
  ConcertLink,
  type LinkEvent,
  type LinkOptions,
  type LinkRole,
  type LinkStateName,
  type LinkStep,
  type SendFailure,
} from './concert/link';
export {
  decodeV2Answer,
  decodeV2Request,
  encodeV2Answer,
  encodeV2Request,
  V2_FULL_ANSWER_LENGTH,
  V2_MAX_AMOUNT,
  V2_PRIVATE_LENGTH,
  V2_REPORT_LENGTH,
  V2_REQUEST_LENGTH,
  V2_SHORT_ANSWER_LENGTH,
  type V2Answer,
  type V2Request,
  type V2Status,
  type V2TransactionType,
} from './concert/v2';
export { encodeTlv, parseTlv, TLV_MAX_VALUE_LENGTH, type TlvField, type TlvParse } from './concert/tlv';
export {
  decodeV3Answer,
  decodeV3Request,
  encodeV3Answer,
  encodeV3Request,
  type V3Action,
  type V3Answer,
  type V3Request,
  type V3RequestFields,
  type V3ResultFields,
  type V3Status,
} from './concert/v3';
export { MAX_V3_AMOUNT, MAX_TICKET_BYTES } from './concert/v3-fields';
export { applicationLabel, v2AnswerToResult, v3AnswerToResult } from './concert/result';
export { isNoEchoReference, NO_ECHO_CONSTANTS, normaliseReference } from './concert/echo';
export {
  TLV_STREAM_DEFAULTS,
  TlvStreamDeframer,
  type TlvStreamEvent,
  type TlvStreamOptions,
} from './concert/tlv-stream';
export { v3AnswerIsComplete } from './concert/v3-complete';
export * as zvt from './zvt';
