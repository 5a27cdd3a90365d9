import OpenAI from 'openai';
import type {
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions/completions.js';
import { SyntraError } from '../domain/errors.js';
import type { ChatMessage, ChatOptions, ChatRequest, ChatResponse, ModelProvider, StopReason, ToolCall } from './provider.js';
import { isJsonObject as isObj, ProviderCaller, tokenCount as num } from './provider-call.js';
import type { RetryPolicy } from './retry-policy.js';
import { sdkFailureClassifier } from './sdk-failure.js';

/**
 * Chat completions over any OpenAI-compatible base URL: OpenAI, Kimi/Moonshot, Ollama
 * (http://localhost:11434/v1), vLLM. Non-streaming; tools as `tools` / `tool_calls`.
 */

export interface OpenAICompatibleOptions {
  /** Instance name for routing, errors and the ledger ('openai', 'ollama', …). */
  name: string;
  baseURL: string;
  /** Ollama and vLLM accept any key; a placeholder is sent when none is given. */
  apiKey?: string | undefined;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** OpenAI's reasoning models only accept max_completion_tokens; most compatible servers only max_tokens. */
  maxTokensField?: 'max_tokens' | 'max_completion_tokens';
}

const classify = sdkFailureClassifier(OpenAI);

function toWireMessages(req: ChatRequest): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = [];
  if (req.system) out.push({ role: 'system', content: req.system });
  for (const m of req.messages) out.push(toWireMessage(m));
  return out;
}

function toWireMessage(m: ChatMessage): ChatCompletionMessageParam {
  switch (m.role) {
    case 'user':
      return { role: 'user', content: m.content };
    case 'tool':
      return { role: 'tool', tool_call_id: m.toolCallId, content: m.content };
    case 'assistant':
      if (!m.toolCalls?.length) return { role: 'assistant', content: m.content };
      return {
        role: 'assistant',
        content: m.content || null,
        tool_calls: m.toolCalls.map((c) => ({
          id: c.id,
          type: 'function' as const,
          function: { name: c.name, arguments: c.rawArguments ?? JSON.stringify(c.arguments ?? {}) },
        })),
      };
  }
}

function toWireTools(req: ChatRequest): ChatCompletionTool[] | undefined {
  if (!req.tools?.length) return undefined;
  return req.tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } }));
}

const STOP_REASONS: Record<string, StopReason> = {
  stop: 'end_turn',
  tool_calls: 'tool_use',
  function_call: 'tool_use',
  length: 'max_tokens',
  content_filter: 'content_filter',
};

/** Parses one tool call's argument text; invalid JSON becomes a typed error on the call, not a throw. */
export function parseToolArguments(provider: string, model: string, id: string, name: string, raw: string): ToolCall {
  const text = raw.trim() === '' ? '{}' : raw;
  try {
    return { id, name, arguments: JSON.parse(text) as unknown, rawArguments: raw };
  } catch (err) {
    const argumentsError = new SyntraError(
      'provider_invalid_output',
      `${provider} model ${model}: arguments of tool call ${name} (${id}) are not valid JSON: ${(err as Error).message}`,
      { details: { provider, model, toolCallId: id, tool: name, rawArguments: raw.slice(0, 500) } },
    );
    return { id, name, arguments: undefined, rawArguments: raw, argumentsError };
  }
}

export class OpenAICompatibleProvider implements ModelProvider {
  readonly name: string;
  private readonly client: OpenAI;
  private readonly options: OpenAICompatibleOptions;
  private readonly caller: ProviderCaller;

  constructor(options: OpenAICompatibleOptions) {
    this.name = options.name;
    this.options = options;
    this.caller = new ProviderCaller({ name: this.name, apiKey: options.apiKey, timeoutMs: options.timeoutMs, retry: options.retry, classify });
    this.client = new OpenAI({ baseURL: options.baseURL, apiKey: options.apiKey || 'not-needed', maxRetries: 0, timeout: this.caller.timeoutMs });
  }

  async chat(req: ChatRequest, opts: ChatOptions = {}): Promise<ChatResponse> {
    const tools = toWireTools(req);
    const body: ChatCompletionCreateParamsNonStreaming = {
      model: req.model,
      messages: toWireMessages(req),
      ...(tools ? { tools } : {}),
      ...(req.temperature === undefined ? {} : { temperature: req.temperature }),
      ...(req.maxTokens === undefined ? {} : { [this.options.maxTokensField ?? 'max_tokens']: req.maxTokens }),
      ...(req.responseFormat === 'json' ? { response_format: { type: 'json_object' as const } } : {}),
    };
    const call = await this.caller.call(req, opts, (options) => this.client.chat.completions.create(body, options));
    const invalid = call.invalid;

    const completion = call.body;
    if (!isObj(completion)) throw invalid(`expected a chat.completion JSON object, got ${typeof completion}`);
    const choice = Array.isArray(completion.choices) ? completion.choices[0] : undefined;
    if (!isObj(choice) || !isObj(choice.message)) throw invalid('no choices[0].message in the completion');
    const message = choice.message;
    const toolCalls: ToolCall[] = [];
    for (const call of Array.isArray(message.tool_calls) ? message.tool_calls : []) {
      if (!isObj(call) || !isObj(call.function) || typeof call.function.name !== 'string') throw invalid('malformed tool_calls entry');
      const id = typeof call.id === 'string' ? call.id : `call_${toolCalls.length}`;
      const raw = typeof call.function.arguments === 'string' ? call.function.arguments : JSON.stringify(call.function.arguments ?? {});
      toolCalls.push(parseToolArguments(this.name, req.model, id, call.function.name, raw));
    }
    const rawStop = typeof choice.finish_reason === 'string' ? choice.finish_reason : null;
    const usage = isObj(completion.usage) ? completion.usage : {};
    return call.respond(
      {
        text: typeof message.content === 'string' ? message.content : '',
        toolCalls,
        stopReason: rawStop ? (STOP_REASONS[rawStop] ?? 'other') : toolCalls.length ? 'tool_use' : 'other',
        rawStopReason: rawStop,
        usage: { inputTokens: num(usage.prompt_tokens), outputTokens: num(usage.completion_tokens) },
      },
      completion.model,
    );
  }
}
