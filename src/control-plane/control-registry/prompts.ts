import { SyntraError } from '../../domain/errors.js';
import type { PromptVersion } from './schemas.js';

/**
 * Prompt templates use `{{name}}` placeholders. Registration checks every placeholder is a
 * declared variable; rendering checks every declared variable has a value, so a prompt never
 * reaches a model with a hole in it.
 */
const PLACEHOLDER = /\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g;

/** The distinct placeholder names a template uses, in order of first use. */
export function templateVariables(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

export function renderPrompt(prompt: PromptVersion, values: Readonly<Record<string, string>>): string {
  const missing = prompt.variables.filter((v) => values[v] === undefined);
  if (missing.length > 0) {
    throw new SyntraError('validation_failed', `prompt ${prompt.name}@${prompt.version} needs values for: ${missing.join(', ')}`);
  }
  // A function replacer: values containing `$&` or `$1` are inserted literally.
  return prompt.template.replace(PLACEHOLDER, (_all, name: string) => values[name] ?? '');
}
