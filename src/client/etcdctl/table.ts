/**
 * The table layout etcdctl draws with olekukonko/tablewriter: `+---+` borders, a centred
 * upper-case header, cells right-aligned, one space of padding on each side.
 */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = '+' + widths.map((w) => '-'.repeat(w + 2)).join('+') + '+\n';
  const center = (s: string, w: number) => {
    const gap = w - s.length;
    const left = Math.floor(gap / 2);
    return ' '.repeat(left) + s + ' '.repeat(gap - left);
  };
  let out = line;
  out += '|' + header.map((h, i) => ` ${center(h.toUpperCase(), widths[i]!)} `).join('|') + '|\n';
  out += line;
  for (const r of rows) {
    out += '|' + widths.map((w, i) => ` ${(r[i] ?? '').padStart(w)} `).join('|') + '|\n';
  }
  out += line;
  return out;
}
