/**
 * API keys never appear in logs, descriptions or error messages. Servers sometimes echo a
 * key back (OpenAI's 401 says "Incorrect API key provided: sk-…"), so provider error text is
 * scrubbed as well, not only our own descriptions.
 */

/** "****abcd" for long keys, "****" for short ones (a short key's tail would reveal too much). */
export function maskApiKey(key: string | undefined): string {
  if (!key) return '(none)';
  return key.length >= 16 ? `****${key.slice(-4)}` : '****';
}

// Shapes of common provider keys: OpenAI/Moonshot "sk-…", Anthropic "sk-ant-…", bearer tokens.
const KEY_PATTERNS = [/\bsk-[A-Za-z0-9_*.-]{6,}/g, /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi];

/** Removes the given secrets and anything shaped like a provider key from `text`. */
export function scrubSecrets(text: string, secrets: ReadonlyArray<string | undefined> = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join(maskApiKey(secret));
  }
  for (const pattern of KEY_PATTERNS) out = out.replace(pattern, '****');
  return out;
}
