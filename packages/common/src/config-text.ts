/**
 * config.txt as text: decoding (Notepad writes UTF-8 with or without a BOM, "Unicode" UTF-16, or ANSI),
 * then KEY=VALUE lines. Structural mistakes (a line without "=", an unknown key, a key set twice) are
 * refused here, before any value is looked at.
 */
import { CONFIG_KEYS, isConfigKey, type ConfigKey } from './config-keys';
import { ConfigError, showValue } from './config-error';

export interface ConfigLine {
  key: ConfigKey;
  value: string;
  line: number;
}

export function decodeConfigBytes(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  try {
    // TextDecoder drops a UTF-8 BOM by itself.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Not UTF-8: an "ANSI" file from an older Notepad (Windows-1252, which WHATWG calls latin1).
    return new TextDecoder('latin1').decode(bytes);
  }
}

/** Parses the lines of config.txt; `fileName` is how messages name the file. */
export function parseConfigLines(text: string, fileName: string): ConfigLine[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const seen = new Map<ConfigKey, number>();
  const result: ConfigLine[] = [];
  lines.forEach((content, index) => {
    const line = index + 1;
    const where = `${fileName} line ${line}`;
    const trimmed = content.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const eq = trimmed.indexOf('=');
    if (eq < 0) {
      // The content is not echoed: a line without "=" may well be a password typed on its own.
      const known = trimmed.toUpperCase();
      if (isConfigKey(known)) {
        throw new ConfigError(`${where}: ${known} has no value: expected ${known}=<value>`, known, line);
      }
      throw new ConfigError(
        `${where}: this line is not KEY=VALUE: expected a line such as LOCAL_PORT=8080, or a comment starting with #`,
        undefined,
        line,
      );
    }
    const rawKey = trimmed.slice(0, eq).trim();
    if (rawKey === '') {
      throw new ConfigError(`${where}: the line starts with "=": expected KEY=VALUE, e.g. LOCAL_PORT=8080`, undefined, line);
    }
    const key = rawKey.toUpperCase();
    if (!isConfigKey(key)) {
      throw new ConfigError(`${where}: ${describeUnknownKey(rawKey)}`, rawKey, line);
    }
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw new ConfigError(
        `${fileName} lines ${earlier} and ${line}: ${key} is set twice: keep only one of them`,
        key,
        line,
      );
    }
    seen.set(key, line);
    result.push({ key, value: unquote(trimmed.slice(eq + 1).trim()), line });
  });
  return result;
}

/** "value", 'value' -> value: people quote values out of habit; the quotes are not part of them. */
function unquote(value: string): string {
  const first = value[0];
  if (value.length >= 2 && (first === '"' || first === "'") && value.endsWith(first)) return value.slice(1, -1);
  return value;
}

function describeUnknownKey(rawKey: string): string {
  // "HIPAY_PWDabc" is a key that lost its "=": the rest may be a password, so only the known key is named.
  const known = CONFIG_KEYS.find((k) => rawKey.toUpperCase().startsWith(k) && rawKey.length > k.length);
  if (known) return `${known} is followed by other characters before "=": write ${known}=value (the rest of the line is not shown: it may be a password)`;
  const shown = /^[A-Za-z0-9_]+$/.test(rawKey) ? showValue(rawKey) : `"${showValue(rawKey)}"`;
  const suggestion = closestKey(rawKey);
  if (suggestion) return `${shown} is not a known key: did you mean ${suggestion}?`;
  return `${shown} is not a known key: expected one of ${CONFIG_KEYS.join(', ')}`;
}

/** The known key nearest to a mistyped one, when it is near enough to be what was meant. */
export function closestKey(rawKey: string): ConfigKey | undefined {
  // Words people use for the ones config.txt uses: HIPAY_PASSWORD means HIPAY_PWD.
  const normalized = rawKey
    .toUpperCase()
    .replace(/[\s-]+/g, '_')
    .replace(/PASSWORD|PASSWD/g, 'PWD')
    .replace(/USERNAME|USER/g, 'LOGIN');
  let best: ConfigKey | undefined;
  let bestDistance = Infinity;
  for (const key of CONFIG_KEYS) {
    const distance = editDistance(normalized, key);
    if (distance < bestDistance) {
      best = key;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

/** Damerau-Levenshtein (optimal string alignment): a swap of two letters, as in PROT/PORT, counts once. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}
