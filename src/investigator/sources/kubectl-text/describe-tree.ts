/**
 * The structure of `kubectl describe` text. kubectl prints `Key:<tab>value` lines through a
 * tabwriter, nesting by two-space steps, continuing multi-valued fields (Labels, Annotations,
 * Tolerations, Taints) on following lines aligned to the value column, and printing tables
 * (Conditions, Events) as aligned columns under a header and a dashed rule.
 */
export interface DescribeNode {
  /** null for a line without `key:` (table rows, mounts, command lines). */
  key: string | null;
  value: string;
  /** Continuation lines of a multi-valued field, in order (the first value is `value`). */
  more: string[];
  indent: number;
  /** The raw line, for tables that are sliced by column. */
  raw: string;
  children: DescribeNode[];
}

const KEY_LINE = /^([^:\s][^:]*?):(?:\s+(.*?))?\s*$/;

/**
 * A container state's `Message:` may hold several lines (a termination message, which
 * `terminationMessagePolicy: FallbackToLogsOnError` fills with the log's tail): kubectl indents
 * only its first line, the others are printed as they are, at any column. They belong to the
 * message until a key line of its own state (`Exit Code:`) or a key describe prints above it.
 */
const ABOVE_MESSAGE = new Set([
  'State', 'Last State', 'Ready', 'Restart Count', 'Limits', 'Requests', 'Environment', 'Environment Variables from', 'Mounts',
  'Liveness', 'Readiness', 'Startup', 'Image', 'Image ID', 'Port', 'Ports', 'Host Port', 'Host Ports', 'Command', 'Args', 'Container ID',
  'Containers', 'Init Containers', 'Conditions', 'Volumes', 'QoS Class', 'Node-Selectors', 'Tolerations', 'Events', 'Name', 'Namespace',
]);
const endsMessage = (indent: number, key: string | undefined, message: DescribeNode): boolean =>
  key !== undefined && (indent === message.indent || (indent < message.indent && ABOVE_MESSAGE.has(key)));

const CUT_LINE = /^\s*(?:\.{2,}|…)\s*$/;

/** Parses one describe document (one object) into a tree of lines. */
export function parseDescribeTree(text: string): DescribeNode {
  const root: DescribeNode = { key: null, value: '', more: [], indent: -1, raw: '', children: [] };
  const stack: DescribeNode[] = [root];
  let lastKey: { node: DescribeNode; valueColumn: number } | undefined;
  let message: DescribeNode | undefined;
  for (const raw of text.split(/\r?\n/)) {
    // `...` alone on a line is where the person cut lines out, at whatever indent: no node, or it
    // would adopt the lines after it (a container's fields cut, then the next container).
    if (raw.trim() === '' || CUT_LINE.test(raw)) continue;
    const indent = raw.length - raw.trimStart().length;
    const text = raw.trim();
    if (message) {
      if (!endsMessage(indent, KEY_LINE.exec(text)?.[1], message)) {
        message.more.push(raw.trimEnd());
        continue;
      }
      message = undefined;
    }
    // A continuation line starts exactly in the value column of the key line above it.
    if (lastKey && lastKey.node.value !== '' && indent === lastKey.valueColumn && indent > lastKey.node.indent) {
      lastKey.node.more.push(text);
      continue;
    }
    const m = KEY_LINE.exec(text);
    const node: DescribeNode = { key: m ? m[1]! : null, value: m ? (m[2] ?? '') : text, more: [], indent, raw, children: [] };
    while (stack.length > 1 && stack[stack.length - 1]!.indent >= indent) stack.pop();
    stack[stack.length - 1]!.children.push(node);
    stack.push(node);
    if (m && node.value !== '') {
      const valueColumn = raw.indexOf(node.value, indent + m[1]!.length + 1);
      lastKey = { node, valueColumn };
      // a state's message (under `State:`/`Last State:`, so indented at least twice)
      if (node.key === 'Message' && indent >= 4) message = node;
    } else lastKey = undefined;
  }
  return root;
}

export const child = (node: DescribeNode | undefined, key: string): DescribeNode | undefined =>
  node?.children.find((c) => c.key === key);

export const childValue = (node: DescribeNode | undefined, key: string): string | undefined => child(node, key)?.value;

/** All values of a multi-valued field: the first on the key line, the rest continued below. */
export const allValues = (node: DescribeNode | undefined): string[] => (node ? [node.value, ...node.more].filter((v) => v !== '') : []);

/**
 * A table printed under a header row and a `----` rule: rows sliced at the header's column
 * starts (the tabwriter aligns every row to them); the last column runs to the end of the line.
 */
export function parseTable(lines: string[]): Record<string, string>[] {
  const nonEmpty = lines.filter((l) => l.trim() !== '');
  const header = nonEmpty[0];
  if (header === undefined) return [];
  const starts: { name: string; at: number }[] = [];
  const re = /\S+(?: \S+)*/g;
  for (let m = re.exec(header); m; m = re.exec(header)) starts.push({ name: m[0], at: m.index });
  const rows: Record<string, string>[] = [];
  for (const line of nonEmpty.slice(1)) {
    if (/^\s*-+(\s+-+)*\s*$/.test(line)) continue;
    // `...` or `…` alone on a line: the author cut the table there; it is no row.
    if (CUT_LINE.test(line)) continue;
    const row: Record<string, string> = {};
    // A row whose columns do not line up with the header (re-typed, or aligned for another font):
    // a column start cuts through a word. When its cells, split on runs of spaces, are exactly as
    // many as the columns, they are the columns.
    const cells = line.trim().split(/\s{2,}|\t+/);
    const misaligned = starts.slice(1).some((c) => /\S/.test(line[c.at - 1] ?? ' ') && /\S/.test(line[c.at] ?? ' '));
    starts.forEach((col, i) => {
      const end = i + 1 < starts.length ? starts[i + 1]!.at : undefined;
      row[col.name] = misaligned && cells.length === starts.length ? cells[i]! : line.slice(col.at, end).trim();
    });
    rows.push(row);
  }
  return rows;
}

/** The raw lines of a section's children (for tables), including nested lines. */
export function sectionLines(node: DescribeNode | undefined): string[] {
  const out: string[] = [];
  const walk = (n: DescribeNode) => {
    for (const c of n.children) {
      out.push(c.raw, ...c.more.map((m) => `${' '.repeat(c.indent)}${m}`));
      walk(c);
    }
  };
  if (node) walk(node);
  return out;
}

/**
 * Splits the output of `kubectl describe pods` (several objects) into documents: each object
 * starts with `Name:` in the first column.
 */
export function splitDescribeDocuments(text: string): string[] {
  const docs: string[] = [];
  let current: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (/^Name:\s/.test(line) && current.some((l) => l.trim() !== '')) {
      docs.push(current.join('\n'));
      current = [];
    }
    current.push(line);
  }
  if (current.some((l) => l.trim() !== '')) docs.push(current.join('\n'));
  return docs;
}
