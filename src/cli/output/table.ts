import { stripVTControlCharacters } from 'node:util';
import Table from 'cli-table3';
import type { Terminal } from './terminal.js';

/**
 * Rows as a table: cli-table3 with borders on a terminal; when piped, aligned plain columns
 * (like kubectl) that `awk`/`cut` can read, with no box-drawing or colour codes.
 */
export function renderTable(term: Terminal, headers: string[], rows: string[][]): string {
  if (rows.length === 0) return '';
  if (term.tty) {
    const table = new Table({
      head: headers.map((h) => term.color.bold(h)),
      style: { head: [], border: term.color.level > 0 ? ['grey'] : [] },
      wordWrap: true,
    });
    for (const row of rows) table.push(row);
    return `${table.toString()}\n`;
  }
  const all = [headers.map((h) => h.toUpperCase()), ...rows];
  const widths = headers.map((_, i) => Math.max(...all.map((r) => visibleLength(r[i] ?? ''))));
  return all.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]! + (cell.length - visibleLength(cell))))).join('  ').trimEnd()).join('\n') + '\n';
}

const visibleLength = (s: string) => stripVTControlCharacters(s).length;

/** "key: value" lines with the keys aligned. */
export function renderFields(term: Terminal, fields: Array<[string, string | undefined | null]>): string {
  const shown = fields.filter((f): f is [string, string] => f[1] !== undefined && f[1] !== null && f[1] !== '');
  const width = Math.max(0, ...shown.map(([k]) => k.length));
  return shown.map(([k, v]) => `${term.color.dim(`${k}:`.padEnd(width + 1))} ${v}`).join('\n') + '\n';
}
