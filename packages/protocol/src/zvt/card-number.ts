import { maskPan } from '../pan';

/**
 * BMP 22, the card number: BCD digits, an `E` nibble for each digit the terminal masked, `F` padding an odd
 * length (wirelane/ecrterm `packets/bitmaps.py` 0x22; a real terminal sends `22 F0 F8 55 98 83 EE EE EE 80 74`:
 * EVerest/zvt `zvt/data/1680728165.675509000_pt_ecr.blob`). It leaves here masked whatever the terminal
 * sent, by the project's one masker (../pan.ts): at most the first 6 and the last 4 digits, the rest 'X'.
 */
export function decodePanBmp(value: Uint8Array): string | undefined {
  const nibbles = Buffer.from(value).toString('hex').toUpperCase().replace(/F+$/, '');
  if (nibbles.length === 0 || !/^[0-9E]+$/.test(nibbles)) return undefined;
  return maskPan(nibbles.replace(/E/g, '*'));
}
