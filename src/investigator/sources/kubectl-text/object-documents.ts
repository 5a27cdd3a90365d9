import { parseAllDocuments } from 'yaml';
import { SyntraError } from '../../../domain/errors.js';

/**
 * `kubectl get … -o json` (one object or a List), `-o yaml` (one or several `---` documents),
 * and `kubectl cluster-info dump` printed to stdout (JSON documents one after the other, then
 * the logs between `==== START logs …` markers) → parsed documents.
 */
export function parseJsonDocuments(text: string, name: string): unknown[] {
  try {
    const doc: unknown = JSON.parse(text);
    return Array.isArray(doc) ? doc : [doc];
  } catch {
    // Several JSON documents one after another (cluster-info dump, `kubectl get -o json a; … b`).
    return parseConcatenatedJson(text, name);
  }
}

/** Top-level JSON values printed one after another, each pretty-printed from `{` to `}`. */
export function parseConcatenatedJson(text: string, name: string): unknown[] {
  const docs: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i += 1;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') {
      if (depth === 0) start = i;
      depth += 1;
    } else if (ch === '}' || ch === ']') {
      depth -= 1;
      if (depth === 0 && start >= 0) {
        try {
          docs.push(JSON.parse(text.slice(start, i + 1)));
        } catch (e) {
          throw new SyntraError('evidence_unreadable', `${name}: invalid JSON document at offset ${start}`, { cause: e });
        }
        start = -1;
      }
    }
  }
  if (docs.length === 0) throw new SyntraError('evidence_unreadable', `${name}: no JSON document found`);
  return docs;
}

export function parseYamlDocuments(text: string, name: string): unknown[] {
  const docs = parseAllDocuments(text);
  const out: unknown[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      throw new SyntraError('evidence_unreadable', `${name}: invalid YAML: ${doc.errors[0]!.message}`);
    }
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

/** Splits `kubectl cluster-info dump` stdout into its JSON part and its log part. */
export function splitClusterInfoDump(text: string): { json: string; logs: string } {
  const i = text.search(/^==== START logs for container /m);
  return i < 0 ? { json: text, logs: '' } : { json: text.slice(0, i), logs: text.slice(i) };
}
