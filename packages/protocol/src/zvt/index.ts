/** ZVT: framing, fields, messages and the ECR session, sans-I/O. Exported from @ecr/protocol as `zvt`. */
export { ZVT_ACK, ZVT_DLE, ZVT_ETX, ZVT_NAK, ZVT_STX } from './control';
export { zvtCrc16 } from './crc';
export { encodeApdu, parseApdu, apduName, MAX_APDU_DATA, type Apdu, type ApduParse } from './apdu';
export { ZvtTcpDeframer } from './tcp-deframer';
export { frameZvtSerial, unframeZvtSerial, zvtFrameCrc } from './serial-frame';
export { ZvtSerialLink, type ZvtLinkEvent, type ZvtLinkOptions, type ZvtLinkRole, type ZvtLinkStep } from './serial-link';
export { encodeBcd, decodeBcdDigits, decodeBcdNumber } from './bcd';
export { parseTlv, encodeTlv, encodeBerLength, readBerLength, findTlv, tlvTextLines, tlvText, tlvContainer, type TlvNode } from './tlv';
export { BMP_LENGTHS, parseBmps, encodeBmp, findBmp, type Bmp, type BmpLength, type BmpParse } from './bmp';
export { decodePanBmp } from './card-number';
export { maskPan } from '../pan';
export { bmpFields, decodeTotals, type ZvtFields, type ZvtTotals, type ZvtTotalsCard } from './fields';
export { intermediateStatusText, resultCodeText, terminalStatusText, isHostRefusal } from './codes';
export {
  ZVT_CONFIG,
  ZVT_DEFAULT_CONFIG_BYTE,
  ZVT_MAX_AMOUNT,
  encodeRegistration,
  encodeAuthorisation,
  encodeStatusEnquiry,
  encodeEndOfDay,
  encodeAbortCommand,
  encodeDiagnosis,
  encodeResetTerminal,
  encodeAck,
  encodeNak,
  decodeEcrCommand,
  type EcrCommand,
  type RegistrationCommand,
  type AuthorisationCommand,
  type StatusEnquiryCommand,
  type TlvOption,
} from './ecr-commands';
export {
  decodeTerminalMessage,
  decodeCompletion,
  decodeStatusCompletion,
  encodeIntermediateStatus,
  encodeStatusInformation,
  encodeTotals,
  encodePrintLine,
  encodePrintTextBlock,
  encodeCompletion,
  encodeStatusCompletion,
  encodeAbort,
  type ZvtTerminalMessage,
  type ZvtStatusCompletion,
  type StatusInformationFields,
} from './terminal-messages';
export { zvtPaymentResult, type ZvtOutcome, type ZvtPaymentResult, type PaymentEvidence } from './payment-result';
export { ZvtEcrSession, type ZvtCommandName, type ZvtCommandResult, type ZvtSessionEvent, type ZvtSessionOptions, type ZvtSessionStep } from './session';
