import type { Database, Queryable } from '../../db/database.js';
import { SyntraError } from '../../domain/errors.js';
import { signalOutbox } from '../outbox-signal.js';
import { DEFAULT_ARBITER } from './defaults.js';
import { WHOLE_SET, type ChangeSpec, type ControlChange } from './fold.js';
import { templateVariables } from './prompts.js';
import {
  ActivatePromptInput,
  ChangeMeta,
  RemoveEntityInput,
  RollbackInput,
  Skill,
  ToolDefinition,
  UpdateArbiterInput,
  UpdateRoutingRulesInput,
  type PromptVersion,
  type RoutingRule,
} from './schemas.js';
import { allowsUnapprovedWrites, approvesWithoutPerson, DEFAULT_ARBITER_NAME, toSnapshot, type ControlSnapshot, type ControlState } from './state.js';
import { appendChange } from './store.js';
import { invalid, parseInput } from './validate.js';

/**
 * The registry's write operations. Each validates its input (structure, then against the
 * current state under the write lock), appends one versioned change with who and why, and
 * returns the resulting snapshot. Nothing is ever updated in place.
 */

/** Called inside the change's transaction, e.g. to append the audit trail atomically. */
export type ControlAuditHook = (tx: Queryable, change: ControlChange) => Promise<void>;

export interface WriteOptions {
  audit?: ControlAuditHook;
}

/** Every write operation has this shape: validated input, who and why, optional audit hook. */
export type ControlWrite<I> = (db: Database, input: I, meta: ChangeMeta, options?: WriteOptions) => Promise<ControlWriteResult>;

export interface ControlWriteResult {
  version: number;
  change: ControlChange;
  snapshot: ControlSnapshot;
}

/** Shared by every write operation (also those in integration-writes.ts). */
export async function write(
  db: Database,
  rawMeta: ChangeMeta,
  options: WriteOptions,
  plan: (head: ControlState, headVersion: number) => ChangeSpec,
  checkResult?: (next: ControlState, change: ChangeSpec) => void,
): Promise<ControlWriteResult> {
  const meta = parseInput(ChangeMeta, rawMeta, 'change metadata (actor, reason)');
  const { change, state } = await appendChange(db, meta, plan, checkResult, options.audit);
  // Committed: let an in-process relay publish the outbox row now rather than at its next poll.
  signalOutbox();
  return { version: change.version, change, snapshot: toSnapshot(change.version, state) };
}

/**
 * Activates a prompt version. With `template`, registers that version first (versions are
 * immutable: re-registering a label with different content is a conflict). Without it, the
 * label must already exist.
 */
export const activatePrompt: ControlWrite<ActivatePromptInput> = async (db, input, meta, options = {}) => {
  const req = parseInput(ActivatePromptInput, input, 'prompt activation');
  if (req.template === undefined && req.variables !== undefined) {
    throw invalid('variables can only be given together with a template', 'variables');
  }
  if (req.template !== undefined) {
    const declared = new Set(req.variables ?? []);
    const undeclared = templateVariables(req.template).filter((v) => !declared.has(v));
    if (undeclared.length > 0) throw invalid(`template uses undeclared variables: ${undeclared.join(', ')}`, 'template');
  }
  return write(db, meta, options, (head) => {
    const existing = head.prompts[req.name]?.versions[req.version];
    let prompt: PromptVersion;
    if (req.template === undefined) {
      if (!existing) throw new SyntraError('not_found', `prompt ${req.name} has no version "${req.version}"`);
      prompt = existing;
    } else {
      prompt = { name: req.name, version: req.version, template: req.template, variables: req.variables ?? [] };
      if (existing && (existing.template !== prompt.template || existing.variables.join() !== prompt.variables.join())) {
        const message = `prompt ${req.name} version "${req.version}" exists with different content; use a new version label`;
        throw new SyntraError('conflict', message);
      }
    }
    return { entityType: 'prompt', action: 'activate', entityName: req.name, payload: { prompt } };
  });
};

/** Registers or replaces a skill; every tool it names must be registered. */
export const registerSkill: ControlWrite<Skill> = async (db, input, meta, options = {}) => {
  const skill = parseInput(Skill, input, 'skill');
  return write(db, meta, options, (head) => {
    const unknown = skill.tools.filter((t) => !head.tools[t]);
    if (unknown.length > 0) throw invalid(`skill ${skill.name} names unregistered tools: ${unknown.join(', ')}`, 'tools');
    return { entityType: 'skill', action: 'upsert', entityName: skill.name, payload: { skill } };
  });
};

export const removeSkill: ControlWrite<RemoveEntityInput> = async (db, input, meta, options = {}) => {
  const { name } = parseInput(RemoveEntityInput, input, 'skill removal');
  return write(db, meta, options, (head) => {
    if (!head.skills[name]) throw new SyntraError('not_found', `skill ${name} is not registered`);
    return { entityType: 'skill', action: 'delete', entityName: name, payload: {} };
  });
};

/** Registers or replaces a tool. A non-read-only tool may be registered; using it is up to the arbiter. */
export const registerTool: ControlWrite<ToolDefinition> = async (db, input, meta, options = {}) => {
  const tool = parseInput(ToolDefinition, input, 'tool');
  return write(db, meta, options, () => ({ entityType: 'tool', action: 'upsert', entityName: tool.name, payload: { tool } }));
};

export const removeTool: ControlWrite<RemoveEntityInput> = async (db, input, meta, options = {}) => {
  const { name } = parseInput(RemoveEntityInput, input, 'tool removal');
  return write(db, meta, options, (head) => {
    if (!head.tools[name]) throw new SyntraError('not_found', `tool ${name} is not registered`);
    const users = Object.values(head.skills).filter((s) => s.tools.includes(name)).map((s) => s.name);
    if (users.length > 0) throw new SyntraError('conflict', `tool ${name} is used by skills: ${users.join(', ')}`);
    return { entityType: 'tool', action: 'delete', entityName: name, payload: {} };
  });
};

/** Replaces the whole set of routing rules (an empty set = rules-only mode). */
export const updateRoutingRules: ControlWrite<UpdateRoutingRulesInput> = async (db, input, meta, options = {}) => {
  const req = parseInput(UpdateRoutingRulesInput, input, 'routing rules');
  const rules: RoutingRule[] = req.rules.map((r) => ({ ...r, priority: r.priority ?? 0 }));
  const seen = new Map<string, number>();
  rules.forEach((r, i) => {
    const key = JSON.stringify([r.match.intent ?? null, r.match.taskType ?? null, r.priority]);
    const first = seen.get(key);
    if (first !== undefined) {
      throw invalid(`rules ${first} and ${i} have the same match and priority; which one applies would be ambiguous`, `rules.${i}`);
    }
    seen.set(key, i);
  });
  return write(db, meta, options, (_head, headVersion) => {
    if (req.expectedVersion !== undefined && req.expectedVersion !== headVersion) {
      throw new SyntraError('conflict', `the control registry moved from version ${req.expectedVersion} to ${headVersion} meanwhile; read the routing rules again and reapply the change`);
    }
    return { entityType: 'routing_rule', action: 'upsert', entityName: WHOLE_SET, payload: { rules } };
  });
};

function unapprovedWritesRefused(policies: string[]): SyntraError {
  return invalid(
    `arbiter policies ${policies.join(', ')} would let writes run without approval; send allowUnapprovedWrites: true to confirm`,
    'allowUnapprovedWrites',
  );
}

/**
 * Merges the given fields over the named policy (default 'default'; a new name starts from the
 * built-in defaults). Safety first: a result with writesRequireApproval false, or with
 * self-healing rules (autoApprove), is refused unless
 * this same request says allowUnapprovedWrites: true — also when it was already false before,
 * so nobody tunes such a policy without seeing that writes are unapproved.
 */
export const updateArbiter: ControlWrite<UpdateArbiterInput> = async (db, input, meta, options = {}) => {
  const { allowUnapprovedWrites, name: rawName, ...fields } = parseInput(UpdateArbiterInput, input, 'arbiter policy');
  const name = rawName ?? DEFAULT_ARBITER_NAME;
  return write(db, meta, options, (head) => {
    const policy = { ...(head.arbiters[name] ?? { ...DEFAULT_ARBITER, name }), ...fields, name };
    if (approvesWithoutPerson(policy) && allowUnapprovedWrites !== true) throw unapprovedWritesRefused([name]);
    for (const [i, w] of (policy.freezeWindows ?? []).entries()) {
      if (!(Date.parse(w.start) < Date.parse(w.end))) throw invalid(`freeze window ${i} ends (${w.end}) before it starts (${w.start})`, `freezeWindows.${i}`);
    }
    const payload = allowUnapprovedWrites === undefined ? { policy } : { policy, allowUnapprovedWrites };
    return { entityType: 'arbiter_policy', action: 'upsert', entityName: name, payload };
  });
};

/**
 * Makes the effective state equal to the state at `toVersion` (0 = built-ins), recorded as a
 * new version. Restoring a state in which writes run without approval needs the same explicit
 * acknowledgment as setting it. Rolling back to the effective version is refused (409): it
 * would record a version that changes nothing.
 */
export const rollback: ControlWrite<RollbackInput> = async (db, input, meta, options = {}) => {
  const req = parseInput(RollbackInput, input, 'rollback');
  return write(
    db,
    meta,
    options,
    (_head, headVersion) => {
      if (req.toVersion > headVersion) {
        throw new SyntraError('not_found', `control version ${req.toVersion} does not exist (latest is ${headVersion})`);
      }
      if (req.toVersion === headVersion) {
        throw new SyntraError('conflict', `version ${headVersion} is already the effective version: nothing to roll back (see \`syntra control history\` for older ones)`);
      }
      const { toVersion, allowUnapprovedWrites } = req;
      const payload = allowUnapprovedWrites === undefined ? { toVersion } : { toVersion, allowUnapprovedWrites };
      return { entityType: 'rollback', action: 'rollback', entityName: WHOLE_SET, payload };
    },
    (next) => {
      const open = allowsUnapprovedWrites(next);
      if (open.length > 0 && req.allowUnapprovedWrites !== true) throw unapprovedWritesRefused(open);
    },
  );
};
