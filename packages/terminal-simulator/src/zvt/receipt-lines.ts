/**
 * What the simulated ZVT terminal prints through the ECR (06 D1 lines or a 06 D3 block): a customer receipt,
 * an end-of-day report, a diagnosis report. Laid out after the real receipts in bezahl-online/zvt
 * `command/testdata/data051327012.hex` (payment: terminal id, trace, receipt number, masked card number,
 * AID, authorisation number, amount) and `1617777384987PT.hex` (end of day: count and total per card).
 */
export interface PaymentReceiptFacts {
  terminalId: string;
  traceNumber: number;
  receiptNumber: number;
  maskedPan: string;
  cardName: string;
  aid: string;
  authorisationNumber: string;
  amount: number;
  currencyNumeric: string;
  at: Date;
}

export function paymentReceiptLines(f: PaymentReceiptFacts): string[] {
  return [
    '** CUSTOMER RECEIPT **',
    'PURCHASE',
    `${dateText(f.at)}  ${timeText(f.at)}`,
    `Terminal-ID: ${f.terminalId}`,
    `Trace-No: ${pad(f.traceNumber, 6)}`,
    `Receipt-No: ${pad(f.receiptNumber, 4)}`,
    f.cardName,
    `Card: ${f.maskedPan}`,
    `AID: ${f.aid}`,
    `Auth-No: ${f.authorisationNumber}`,
    `AMOUNT: ${amountText(f.amount)} (${f.currencyNumeric})`,
    'APPROVED',
  ];
}

export function endOfDayLines(f: { terminalId: string; count: number; total: number; at: Date }): string[] {
  return ['** END OF DAY **', `Terminal-ID: ${f.terminalId}`, `${dateText(f.at)}  ${timeText(f.at)}`, `Payments: ${f.count}`, `Total: ${amountText(f.total)}`, 'END OF DAY OK'];
}

export function diagnosisLines(f: { terminalId: string; at: Date }): string[] {
  return ['** DIAGNOSIS **', `Terminal-ID: ${f.terminalId}`, `${dateText(f.at)}  ${timeText(f.at)}`, 'HOST CONNECTION OK'];
}

function amountText(minor: number): string {
  return `${Math.floor(minor / 100)},${pad(minor % 100, 2)}`;
}

function dateText(d: Date): string {
  return `${pad(d.getDate(), 2)}.${pad(d.getMonth() + 1, 2)}.${d.getFullYear()}`;
}

function timeText(d: Date): string {
  return `${pad(d.getHours(), 2)}:${pad(d.getMinutes(), 2)}:${pad(d.getSeconds(), 2)}`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
