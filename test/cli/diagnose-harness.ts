import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { ROOT_CAUSE_TYPES } from '../../src/domain/diagnosis.js';
import { SYNTRA_ARGV } from '../helpers/syntra-bin.js';

/**
 * Runs `syntra diagnose …` (the sources: test/helpers/syntra-bin.ts) as a user types it (optionally with text piped to stdin),
 * with a bounded wait, in a clean environment: no colour forcing, no user config, no kubeconfig.
 * Also the JSON Schema of the documented `--json` document (docs/diagnosis.md), to check every entry.
 */
const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'evidence');

const HOME = mkdtempSync(path.join(tmpdir(), 'syntra-diagnose-home-'));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runDiagnose(args: string[], options: { stdin?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME, KUBECONFIG: path.join(HOME, 'no-kubeconfig'), ...options.env };
  const child = spawn(process.execPath, [...SYNTRA_ARGV, 'diagnose', ...args], { env, cwd: HOME, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.on('error', () => undefined);
  child.stdin.end(options.stdin ?? '');
  const ms = options.timeoutMs ?? 90_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out after ${ms} ms: syntra diagnose ${args.join(' ')}\n${stderr}`));
    }, ms);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

// eslint-disable-next-line no-control-regex -- matching the escape character is the point: asserts output is (not) coloured
export const ANSI = /\u001b\[[0-9;]*m/;

const ref = {
  type: 'object',
  required: ['kind', 'name'],
  properties: { kind: { type: 'string', minLength: 1 }, name: { type: 'string', minLength: 1 }, namespace: { type: 'string' } },
  additionalProperties: false,
};
const evidence = {
  type: 'object',
  required: ['kind', 'value'],
  properties: { kind: { enum: ['field', 'log', 'event', 'spec', 'metric'] }, resource: ref, path: { type: 'string' }, value: { type: 'string' } },
  additionalProperties: false,
};
const strings = { type: 'array', items: { type: 'string', minLength: 1 } };
const remediation = {
  type: 'object',
  required: ['immediate', 'verification', 'prevention'],
  properties: { immediate: strings, verification: strings, prevention: strings, writes: strings },
  additionalProperties: false,
};
const cause = {
  type: { enum: [...ROOT_CAUSE_TYPES] },
  summary: { type: 'string', minLength: 10 },
  confidence: { type: 'number', minimum: 0, maximum: 1 },
  detection_method: { enum: ['rule_based', 'log_pattern', 'llm', 'rule_based_fallback', 'hybrid'] },
  evidence: { type: 'array', items: evidence },
};
export const DIAGNOSIS_SCHEMA = {
  type: 'object',
  required: ['target', 'root_cause', 'findings', 'hypotheses', 'remediation', 'affected_resources'],
  additionalProperties: false,
  properties: {
    target: ref,
    root_cause: { type: 'object', required: Object.keys(cause), properties: cause, additionalProperties: false },
    findings: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: [...Object.keys(cause), 'affected_resources', 'remediation'],
        properties: { ...cause, affected_resources: { type: 'array', items: ref }, remediation, explains: { type: 'array', items: ref } },
        additionalProperties: false,
      },
    },
    hypotheses: {
      type: 'array',
      minItems: 1,
      maxItems: 3,
      items: {
        type: 'object',
        required: ['type', 'summary', 'confidence', 'evidence_for', 'evidence_against', 'check'],
        properties: {
          type: cause.type, summary: cause.summary, confidence: cause.confidence, evidence_for: { type: 'array', items: evidence },
          evidence_against: { type: 'array', items: { type: 'string', minLength: 1 } }, check: { type: 'string', pattern: '^kubectl ' },
        },
        additionalProperties: false,
      },
    },
    remediation,
    affected_resources: { type: 'array', minItems: 1, items: ref },
    // `syntra diagnose --from …`: what each input was read as (absent for --live, --demo and dump folders).
    inputs: {
      type: 'array',
      items: {
        type: 'object',
        required: ['source', 'recognized_as', 'objects'],
        properties: {
          source: { type: 'string', minLength: 1 }, recognized_as: strings, objects: { type: 'integer', minimum: 0 }, log_lines: { type: 'integer', minimum: 0 },
          skipped: { type: 'array', items: { type: 'object', required: ['lines', 'reason'], properties: { lines: { type: 'string' }, reason: { type: 'string', minLength: 1 } }, additionalProperties: false } },
        },
        additionalProperties: false,
      },
    },
  },
};

const validate = new Ajv({ allErrors: true, strict: true }).compile(DIAGNOSIS_SCHEMA);

/** Schema problems of one document ([] when it matches), plus: the root cause is the first finding. */
export function schemaProblems(doc: unknown): string[] {
  if (!validate(doc)) return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
  const d = doc as { root_cause: { type: string; summary: string }; findings: { type: string; summary: string }[] };
  if (d.findings[0]!.type !== d.root_cause.type || d.findings[0]!.summary !== d.root_cause.summary) return ['root_cause is not findings[0]'];
  return [];
}
