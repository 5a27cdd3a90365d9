/** Secret masking: pure functions on text and JSON-like values, used wherever data is stored, logged or sent out. */
export { redactDeep, type RedactedValue } from './redact-deep.js';
export { redacted, redactLines, redactText, type RedactedLines, type RedactedText } from './redact-text.js';
export { isSecretName, secretKind } from './secret-names.js';
