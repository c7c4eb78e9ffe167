/**
 * Windows command lines are one string that each program splits itself; Node and cmd-launched programs use the
 * Microsoft C runtime's rules (CommandLineToArgvW): backslashes are literal except before a quote, where 2n
 * backslashes + quote are n backslashes and a closing quote, and 2n+1 are n backslashes and a literal quote.
 * So "D:\ecrdata\" reaches the program as `D:\ecrdata"` (issue 14, defect 5): the trailing backslashes of a
 * quoted argument must be doubled. Both directions live here, pure, property-tested against each other.
 */

/** One argument, quoted so that CommandLineToArgvW gives it back unchanged. */
export function quoteWindowsArg(arg: string): string {
  if (arg !== '' && !/[\s"]/.test(arg)) return arg;
  let quoted = '"';
  let backslashes = 0;
  for (const ch of arg) {
    if (ch === '\\') {
      backslashes++;
      continue;
    }
    if (ch === '"') quoted += '\\'.repeat(backslashes * 2 + 1) + '"';
    else quoted += '\\'.repeat(backslashes) + ch;
    backslashes = 0;
  }
  return quoted + '\\'.repeat(backslashes * 2) + '"';
}

export function windowsCommandLine(args: readonly string[]): string {
  return args.map(quoteWindowsArg).join(' ');
}

/** The arguments a program receives from a command line (after the program name), by the same rules. */
export function parseWindowsCommandLine(line: string): string[] {
  const args: string[] = [];
  let current = '';
  let inArg = false;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === '\\') {
      let n = 0;
      while (line[i] === '\\') {
        n++;
        i++;
      }
      if (line[i] === '"') {
        current += '\\'.repeat(Math.floor(n / 2));
        if (n % 2 === 1) current += '"';
        else {
          quoted = !quoted;
        }
      } else {
        current += '\\'.repeat(n);
        i--;
      }
      inArg = true;
      continue;
    }
    if (ch === '"') {
      // "" inside quotes is a literal quote (the C runtime since 2008)
      if (quoted && line[i + 1] === '"') {
        current += '"';
        i++;
      } else quoted = !quoted;
      inArg = true;
      continue;
    }
    if (!quoted && (ch === ' ' || ch === '\t')) {
      if (inArg) args.push(current);
      current = '';
      inArg = false;
      continue;
    }
    current += ch;
    inArg = true;
  }
  if (inArg) args.push(current);
  return args;
}
