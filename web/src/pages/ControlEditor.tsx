import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, gql } from '../api';
import { diffLines, withoutNulls } from '../json-diff';
import { asApiError, ErrorNote } from '../ui';

export interface Snapshot {
  version: number;
  prompts: Record<string, unknown>;
  promptVersions: Record<string, string[]>;
  skills: Record<string, unknown>;
  tools: Record<string, unknown>;
  arbiters: Record<string, unknown>;
  routingRules: unknown[];
}

/**
 * Each editable entity: where its active value is in the snapshot, the mutation that saves it
 * (validated by the server with the REST route's schema; refusals come back per field) and,
 * for named entities, the one that removes it.
 */
interface Kind {
  label: string;
  named: boolean;
  values: (s: Snapshot) => Record<string, unknown>;
  save: string;
  remove?: string;
  blank: (name: string) => unknown;
}
const KINDS: Record<string, Kind> = {
  routing: {
    label: 'Routing rules',
    named: false,
    values: (s) => ({ rules: s.routingRules }),
    save: 'mutation($i: UpdateRoutingRulesInput!) { updateRoutingRules(input: $i) { version } }',
    blank: () => [],
  },
  arbiter: {
    label: 'Arbiter policy',
    named: true,
    values: (s) => s.arbiters,
    save: 'mutation($i: UpdateArbiterInput!) { updateArbiter(input: $i) { version } }',
    blank: (name) => ({ name, confidenceThreshold: 0.7, maxModelSteps: 6, writesRequireApproval: true, reviewPasses: 1 }),
  },
  prompt: {
    label: 'Prompt',
    named: true,
    values: (s) => s.prompts,
    save: 'mutation($i: ActivatePromptInput!) { activatePrompt(input: $i) { version } }',
    blank: (name) => ({ name, version: 'v1', template: '', variables: [] }),
  },
  skill: {
    label: 'Skill',
    named: true,
    values: (s) => s.skills,
    save: 'mutation($i: RegisterSkillInput!) { registerSkill(input: $i) { version } }',
    remove: 'mutation($i: RemoveSkillInput!) { removeSkill(input: $i) { version } }',
    blank: (name) => ({ name, description: '', instructions: '', tools: [] }),
  },
  tool: {
    label: 'Tool',
    named: true,
    values: (s) => s.tools,
    save: 'mutation($i: RegisterToolInput!) { registerTool(input: $i) { version } }',
    remove: 'mutation($i: RemoveToolInput!) { removeTool(input: $i) { version } }',
    blank: (name) => ({ name, description: '', parameters: { type: 'object', properties: {} }, readOnly: true }),
  },
};

export function ControlEditor({ snapshot }: { snapshot: Snapshot }) {
  const [kind, setKind] = useState('routing');
  const k = KINDS[kind]!;
  const names = k.named ? Object.keys(k.values(snapshot)) : [];
  const [name, setName] = useState('');
  const [newName, setNewName] = useState('');
  const entityName = name === '+new' ? newName : name || names[0] || '';
  const active = k.named ? k.values(snapshot)[entityName] : k.values(snapshot);
  const [text, setText] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError>();
  const [saved, setSaved] = useState<number>();
  // Start from the active value whenever the entity (or the active version) changes.
  useEffect(() => {
    setText(JSON.stringify(withoutNulls(active ?? k.blank(entityName)), null, 2));
    setError(undefined);
  }, [kind, entityName, snapshot.version]); // eslint-disable-line react-hooks/exhaustive-deps

  let parsed: unknown;
  let parseError: string | undefined;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    parseError = e instanceof Error ? e.message : String(e);
  }
  const changes = parseError ? [] : diffLines(withoutNulls(active ?? {}), parsed);

  const run = async (query: string, input: Record<string, unknown>) => {
    setError(undefined);
    setSaved(undefined);
    try {
      const r = await gql<Record<string, { version: number }>>(query, { i: { ...input, reason } });
      setSaved(Object.values(r)[0]!.version);
      setReason('');
    } catch (e) {
      setError(asApiError(e));
    }
  };
  const save = (e: FormEvent) => {
    e.preventDefault();
    if (parseError || typeof parsed !== 'object' || parsed === null) return setError(new ApiError('validation_failed', `not a JSON object: ${parseError ?? 'expected {…}'}`));
    void run(k.save, kind === 'routing' ? { ...(parsed as object), expectedVersion: snapshot.version } : (parsed as Record<string, unknown>));
  };
  return (
    <form className="stack wide" onSubmit={save} aria-label="edit the control registry">
      <h2>Edit</h2>
      <div className="row">
        <label>
          What{' '}
          <select value={kind} onChange={(e) => (setKind(e.target.value), setName(''))}>
            {Object.entries(KINDS).map(([key, v]) => (
              <option key={key} value={key}>
                {v.label}
              </option>
            ))}
          </select>
        </label>
        {k.named && (
          <label>
            Name{' '}
            <select value={name || names[0] || '+new'} onChange={(e) => setName(e.target.value)}>
              {names.map((n) => (
                <option key={n}>{n}</option>
              ))}
              <option value="+new">new…</option>
            </select>
          </label>
        )}
        {k.named && (name === '+new' || names.length === 0) && (
          <label>
            New name <input value={newName} onChange={(e) => setNewName(e.target.value)} pattern="[a-z][a-z0-9_.\-]{0,63}" />
          </label>
        )}
      </div>
      <label>
        {k.label} (JSON)
        <textarea name="entity" rows={14} spellCheck={false} value={text} onChange={(e) => setText(e.target.value)} className="code" />
      </label>
      {parseError && <p className="error">Not valid JSON: {parseError}</p>}
      <div data-testid="edit-diff">
        <strong>Diff against the active version (v{snapshot.version})</strong>
        {changes.length === 0 ? <p className="muted">No changes.</p> : <pre>{changes.join('\n')}</pre>}
      </div>
      <label>
        Reason (recorded in the history) <input required value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      <div className="row">
        <button type="submit" disabled={!!parseError || changes.length === 0}>
          Save as a new version
        </button>
        {k.remove && active !== undefined && (
          <button type="button" disabled={!reason} onClick={() => void run(k.remove!, { name: entityName })}>
            Remove {entityName}
          </button>
        )}
      </div>
      {saved !== undefined && (
        <p role="status" data-testid="saved">
          Saved as version {saved}.
        </p>
      )}
      <ErrorNote error={error} />
    </form>
  );
}
