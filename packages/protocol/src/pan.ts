/**
 * Card numbers never leave the connector unmasked: the first 6 and the last 4 digits at most, the rest "X"
 * (PCI DSS display rule, and the contract's example "123456XXXXXX7890"). The one masker of the project.
 * Below 13 characters it shows less: the last 4 at most, never more than half (a 4-digit input shows 2).
 * It takes a number the terminal masked already ('#', '*', 'X'...) and never shows more than it was given.
 */
export function maskPan(pan: string): string {
  const chars = [...pan.replace(/\s/g, '')];
  const n = chars.length;
  const head = n >= 13 ? 6 : 0;
  const tail = n >= 13 ? 4 : Math.min(4, Math.floor(n / 2));
  return chars.map((c, i) => ((i < head || i >= n - tail) && c >= '0' && c <= '9' ? c : 'X')).join('');
}

/** 13 or more consecutive digits: a card number, alone (13 to 19) or zero-padded (a Telium's V2 report). */
const DIGIT_RUN = /(?<!\d)\d{13,}(?!\d)/g;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * A real Telium pads the card number of its Concert V2 report with zeros to 55 characters
 * (Ousret/pyTeliumManager README: '_repport': '4711690463168807000...0'), so the number has no end of its
 * own. Its possible lengths: 13 to 19 digits that pass Luhn and are followed by zeros only (a card number
 * does not begin with 0). Luhn never settles it alone: two more zeros keep a number valid, so a 16-digit
 * card number always reads as 16 or 18 digits.
 */
function zeroPaddedLengths(run: string): number[] {
  if (run.length <= 19 || run[0] === '0') return [];
  const lengths: number[] = [];
  for (let n = 13; n <= 19; n++) if (/^0*$/.test(run.slice(n)) && luhnValid(run.slice(0, n))) lengths.push(n);
  return lengths;
}

/**
 * The card number a zero-padded digit run begins with, masked to its shortest possible length (undefined when
 * no length passes Luhn). The first 6 digits show, and only those of the last digits that are among the last 4
 * whatever the real length: 4 minus the spread of the possible lengths (so 2 for a 16-digit card, read as 16
 * or 18). Showing 4 would show middle digits whenever the real number is the longer one.
 */
export function maskZeroPaddedPan(run: string): string | undefined {
  const lengths = zeroPaddedLengths(run);
  if (lengths.length === 0) return undefined;
  const shortest = lengths[0]!;
  const lastShown = Math.max(0, 4 - (lengths[lengths.length - 1]! - shortest));
  return run.slice(0, 6) + 'X'.repeat(shortest - 6 - lastShown) + run.slice(shortest - lastShown, shortest);
}

/** The run with its card number masked; what follows the longest possible card number is zeros only. */
function maskRun(run: string): string {
  if (run.length <= 19) return luhnValid(run) ? maskPan(run) : run;
  const lengths = zeroPaddedLengths(run);
  if (lengths.length === 0) return run;
  const longest = lengths[lengths.length - 1]!;
  const masked = maskZeroPaddedPan(run)!;
  return masked + 'X'.repeat(longest - masked.length) + run.slice(longest);
}

/** Masks every full card number found in a text, zero-padded ones included. */
export function maskPansInText(text: string): string {
  return text.replace(DIGIT_RUN, maskRun);
}
