/** Plain-text tables for the terminal (and Markdown ones for the README). */

export type Cell = string | number | null | undefined;

function text(cell: Cell): string {
  if (cell === null || cell === undefined) return '–';
  return typeof cell === 'number' ? String(cell) : cell;
}

export function formatTable(headers: string[], rows: Cell[][]): string {
  const cells = [headers, ...rows.map((row) => row.map(text))];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  const line = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ');
  return [
    line(headers),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...cells.slice(1).map(line),
  ].join('\n');
}

export function formatMarkdownTable(headers: string[], rows: Cell[][]): string {
  const line = (row: string[]) => `| ${row.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map((row) => line(row.map(text)))].join(
    '\n',
  );
}

export function ms(value: number): string {
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${value.toFixed(value < 10 ? 2 : 0)} ms`;
}

export function mib(bytes: number): string {
  return `${(bytes / 1024 ** 2).toFixed(0)} MiB`;
}

/** Two decimals; three where two would read as the `goal` itself (1.503× is not within 1.5×). */
export function ratio(value: number, goal?: number): string {
  if (!Number.isFinite(value)) return '–';
  const digits = goal !== undefined && value !== goal && value.toFixed(2) === goal.toFixed(2) ? 3 : 2;
  return `${value.toFixed(digits)}×`;
}
