/**
 * Credentials recognisable by their shape alone, wherever they stand, with the formats their
 * vendors document: fixed prefixes and lengths. Each rule masks the whole token (`[REDACTED:x]`,
 * nothing of it kept). Order matters only where shapes overlap; the `key=value` and free-text
 * rules (redact-text.ts) run after these and skip values already masked.
 */
export interface TokenRule {
  what: string;
  pattern: RegExp;
  /** Builds the replacement from the match groups; default: the whole match becomes the mask. */
  replace?: (mask: string, ...groups: string[]) => string;
}

/**
 * PEM private keys within one string (a JSON-escaped key on one line, a block inside one value);
 * blocks split across log lines are handled by redactLines. Certificates are public and stay.
 */
export const PEM_PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g;

export const TOKEN_RULES: readonly TokenRule[] = [
  { what: 'private_key', pattern: PEM_PRIVATE_KEY },
  { what: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g },
  // Slack incoming webhooks: the URL itself is the credential (hooks.slack.com/services/T…/B…/secret).
  { what: 'slack_webhook', pattern: /(https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/)[A-Za-z0-9_/-]+/g, replace: (mask, prefix) => `${prefix}${mask}` },
  // GitHub: ghp_/gho_/ghu_/ghs_/ghr_ + 36 base62; fine-grained github_pat_…
  { what: 'github_token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{30,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g },
  // GitLab: personal, deploy, runner, trigger, feed, OAuth-app, CI-job, agent and incoming-mail tokens.
  { what: 'gitlab_token', pattern: /\b(?:glpat|gldt|glrt|glptt|glft|gloas|glcbt|glimt|glagent|glsoat|glffct)-[A-Za-z0-9_.-]{20,}/g },
  { what: 'gitlab_token', pattern: /\bGR1348941[A-Za-z0-9_-]{20,}/g },
  // Slack: bot/user/app/refresh/config tokens (xoxb-, xoxp-, xoxe.xoxp-, xapp-).
  { what: 'slack_token', pattern: /\b(?:xox[abposre](?:\.xox[a-z])?-[A-Za-z0-9-]{10,}|xapp-\d-[A-Za-z0-9-]{10,})/g },
  // Stripe secret/restricted keys and webhook signing secrets; Syntra's own API keys; Syntra refresh tokens.
  { what: 'api_key', pattern: /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}/g },
  { what: 'api_key', pattern: /\bsk_(?:admin|worker)_[A-Za-z0-9]{16,}/g },
  { what: 'webhook_secret', pattern: /\bwhsec_[A-Za-z0-9+/=]{24,}/g },
  { what: 'refresh_token', pattern: /\brt_[A-Za-z0-9_-]{40,}/g },
  // OpenAI (sk-, sk-proj-), Anthropic (sk-ant-), Google (AIza…).
  { what: 'api_key', pattern: /\bsk-(?:ant-|proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g },
  { what: 'api_key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  // SendGrid: SG.<22>.<43>; Twilio API key SIDs: SK + 32 hex; npm: npm_ + 36 base62.
  { what: 'sendgrid_key', pattern: /\bSG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}/g },
  { what: 'twilio_key', pattern: /\bSK[0-9a-fA-F]{32}\b/g },
  { what: 'npm_token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/g },
  // AWS access key ids (long-term AKIA, temporary ASIA, and the other documented prefixes).
  { what: 'aws_access_key', pattern: /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[0-9A-Z]{16}\b/g },
];

/**
 * A bare AWS secret access key: exactly 40 characters of base64's alphabet, standing alone, with
 * upper and lower case and a digit, slash or plus. Hex digests (commit SHAs, sha256) have no
 * upper case and are never matched; run last, on what the other rules left.
 */
export const BARE_AWS_SECRET = /(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]*[A-Z])(?=[A-Za-z0-9/+]*[a-z])(?=[A-Za-z0-9/+]*[0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;
