import { SyntraError, errorMessage } from '../domain/errors.js';
import { JSON_ONLY_INSTRUCTION, type ChatOptions, type ChatRequest, type ChatResponse, type ModelProvider, type TokenUsage } from './provider.js';
import { sumUsage, usageLedgerPayload } from './usage.js';

export { runToolLoop } from './tool-loop.js';
export type { ToolHandler, ToolLoopOptions, ToolLoopResult, ToolStep } from './tool-loop.js';

/**
 * Structured answers from a model: ask for JSON, dig the JSON out of whatever came back
 * (models wrap it in prose or ``` fences), validate it, and give the model exactly one chance
 * to fix an invalid answer with the validation error in hand.
 */

export type ExtractedJson = { ok: true; value: unknown } | { ok: false; error: string };

function tryParse(text: string): ExtractedJson {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

/** Index just past the `}` closing the object that starts at `start`, honouring strings; -1 if unbalanced. */
function objectEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return i + 1;
  }
  return -1;
}

/** Whole text, then fenced code blocks, then the first balanced {...} that parses. */
export function extractJson(text: string): ExtractedJson {
  const trimmed = text.trim();
  if (!trimmed) return { ok: false, error: 'the reply was empty' };
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    const whole = tryParse(trimmed);
    if (whole.ok) return whole;
  }
  for (const fence of trimmed.matchAll(/```[a-zA-Z]*\s*\n?([\s\S]*?)```/g)) {
    const inner = fence[1]?.trim();
    if (inner) {
      const parsed = tryParse(inner);
      if (parsed.ok) return parsed;
    }
  }
  for (let start = trimmed.indexOf('{'); start !== -1; start = trimmed.indexOf('{', start + 1)) {
    const end = objectEnd(trimmed, start);
    if (end === -1) break;
    const parsed = tryParse(trimmed.slice(start, end));
    if (parsed.ok) return parsed;
  }
  return { ok: false, error: 'no JSON object found in the reply' };
}

/** Returns the validated value, or an Error saying what is wrong (thrown errors count too). */
export type JsonValidator<T> = (value: unknown) => T | Error;

export interface ChatJsonResult<T> {
  value: T;
  /** One or two responses; each belongs in the ledger (see usageLedgerPayload). */
  responses: ChatResponse[];
  usage: TokenUsage;
  latencyMs: number;
}

const MAX_ERROR_CHARS = 1_000;

function check<T>(text: string, validate: JsonValidator<T>): { ok: true; value: T } | { ok: false; error: string } {
  const extracted = extractJson(text);
  if (!extracted.ok) return { ok: false, error: `not JSON: ${extracted.error}` };
  try {
    const result = validate(extracted.value);
    if (result instanceof Error) return { ok: false, error: result.message.slice(0, MAX_ERROR_CHARS) };
    return { ok: true, value: result };
  } catch (err) {
    return { ok: false, error: errorMessage(err).slice(0, MAX_ERROR_CHARS) };
  }
}

/**
 * Asks for a JSON answer and validates it; on invalid output retries ONCE with the error fed
 * back; then throws SyntraError('provider_invalid_output'). Provider failures (timeouts,
 * provider_error) propagate unchanged.
 */
export async function chatJson<T>(
  provider: ModelProvider,
  req: ChatRequest,
  validate: JsonValidator<T>,
  opts: ChatOptions = {},
): Promise<ChatJsonResult<T>> {
  const system = /json/i.test(req.system ?? '') ? req.system : [req.system, JSON_ONLY_INSTRUCTION].filter(Boolean).join('\n\n');
  const first: ChatRequest = { ...req, ...(system ? { system } : {}), responseFormat: 'json' };
  const responses: ChatResponse[] = [];
  const errors: string[] = [];

  let res = await provider.chat(first, opts);
  responses.push(res);
  let checked = check(res.text, validate);
  if (!checked.ok) {
    errors.push(checked.error);
    const retry: ChatRequest = {
      ...first,
      messages: [
        ...first.messages,
        { role: 'assistant', content: res.text },
        { role: 'user', content: `Your previous reply was invalid: ${checked.error}\nReply again with only the corrected JSON object.` },
      ],
    };
    res = await provider.chat(retry, opts);
    responses.push(res);
    checked = check(res.text, validate);
    if (!checked.ok) errors.push(checked.error);
  }
  if (!checked.ok) {
    throw new SyntraError(
      'provider_invalid_output',
      `${provider.name} model ${req.model} returned invalid output twice: ${errors[errors.length - 1]}`,
      { details: { provider: provider.name, model: req.model, errors, excerpt: res.text.slice(0, 500), calls: responses.map(usageLedgerPayload) } },
    );
  }
  return { value: checked.value, responses, usage: sumUsage(responses), latencyMs: responses.reduce((t, r) => t + r.latencyMs, 0) };
}
