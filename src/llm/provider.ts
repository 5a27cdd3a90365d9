import type { SyntraError } from '../domain/errors.js';

/**
 * The one contract agents use to talk to a model. Providers (OpenAI-compatible, Anthropic)
 * translate it to their wire format; nothing outside src/llm sees an SDK type.
 */

/** A tool the model may call; `parameters` is a JSON Schema object (type: 'object'). */
export interface ToolDefinition {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

/** A tool call as the model requested it. */
export interface ToolCall {
  id: string;
  name: string;
  /** Parsed arguments (a JSON value); `undefined` when they could not be parsed. */
  arguments: unknown;
  /** The arguments exactly as the model sent them, when the wire format carries them as text. */
  rawArguments?: string;
  /**
   * Set when the model sent arguments that are not valid JSON (or not an object): a
   * SyntraError('provider_invalid_output'). The call is still returned so the caller can tell
   * the model what went wrong instead of crashing.
   */
  argumentsError?: SyntraError;
}

export type ChatMessage =
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; name?: string; content: string; isError?: boolean };

export interface ChatRequest {
  model: string;
  system?: string;
  messages: ChatMessage[];
  tools?: ToolDefinition[];
  temperature?: number;
  maxTokens?: number;
  /** 'json' asks for a single JSON object (response_format on OpenAI-compatible, an instruction on Anthropic). */
  responseFormat?: 'json' | 'text';
}

/** Normalized across providers; `rawStopReason` keeps what the server said. */
export type StopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence' | 'content_filter' | 'other';

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface ChatResponse {
  text: string;
  toolCalls: ToolCall[];
  stopReason: StopReason;
  rawStopReason: string | null;
  usage: TokenUsage;
  /** Wall time of the whole call, retries and waits included. */
  latencyMs: number;
  /** HTTP attempts made (1 when the first one succeeded). */
  attempts: number;
  /** The model that was requested. */
  model: string;
  /** The model name the server reported, when it reported one (e.g. a dated snapshot). */
  servedModel?: string;
  /** The provider instance name (e.g. 'openai', 'ollama', 'anthropic'). */
  provider: string;
}

/**
 * The provider name routing rules use for "whichever provider SYNTRA_LLM_PROVIDER configures":
 * the built-in route for `analyze` names it, since the registry cannot know the kind.
 */
export const CONFIGURED_PROVIDER = 'default';

/** Sent with responseFormat 'json' where the API has no native switch (Anthropic) and by chatJson. */
export const JSON_ONLY_INSTRUCTION = 'Respond with a single JSON object only: no prose, no Markdown fences.';

export interface ChatOptions {
  /** Cancels the call (and any retry wait): SyntraError('cancelled'). */
  signal?: AbortSignal | undefined;
  /** Per HTTP attempt; defaults to the provider's configured timeout. */
  timeoutMs?: number | undefined;
  /** Overall budget for the call including retries and Retry-After waits. */
  deadlineMs?: number | undefined;
}

export interface ModelProvider {
  /** Instance name used in routing rules, errors and the ledger. */
  readonly name: string;
  chat(req: ChatRequest, opts?: ChatOptions): Promise<ChatResponse>;
}
