/**
 * Splits a console line into argv the way a POSIX shell would for the simple cases a user
 * types: whitespace separates words; 'single quotes' keep everything literally; "double quotes"
 * keep spaces and honour backslash before " \ $ ` and newline; a backslash outside quotes keeps
 * the next character. No variables, globs or pipes: the console runs one etcdctl command.
 */
export type ShellWordsResult = { ok: true; argv: string[] } | { ok: false; error: string };

export function shellWords(line: string): ShellWordsResult {
  const argv: string[] = [];
  let cur = '';
  let inWord = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (inWord) argv.push(cur);
      cur = '';
      inWord = false;
      i++;
      continue;
    }
    inWord = true;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return { ok: false, error: 'unterminated single quote' };
      cur += line.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      i++;
      for (;;) {
        if (i >= line.length) return { ok: false, error: 'unterminated double quote' };
        const d = line[i]!;
        if (d === '"') {
          i++;
          break;
        }
        if (d === '\\' && i + 1 < line.length && '"\\$`\n'.includes(line[i + 1]!)) {
          if (line[i + 1] !== '\n') cur += line[i + 1];
          i += 2;
          continue;
        }
        cur += d;
        i++;
      }
    } else if (c === '\\') {
      if (i + 1 >= line.length) {
        i++;
        continue;
      }
      if (line[i + 1] !== '\n') cur += line[i + 1];
      i += 2;
    } else {
      cur += c;
      i++;
    }
  }
  if (inWord) argv.push(cur);
  return { ok: true, argv };
}

/** Quotes argv back into a line that shellWords splits into the same words. */
export function quoteShellWords(argv: readonly string[]): string {
  return argv
    .map((a) => (a !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}
