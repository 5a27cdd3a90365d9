import Anthropic from '@anthropic-ai/sdk';
import type {
  ContentBlockParam,
  MessageCreateParamsNonStreaming,
  MessageParam,
  Tool,
} from '@anthropic-ai/sdk/resources/messages/messages.js';
import { SyntraError } from '../domain/errors.js';
import { JSON_ONLY_INSTRUCTION, type ChatOptions, type ChatRequest, type ChatResponse, type ModelProvider, type StopReason, type ToolCall } from './provider.js';
import { isJsonObject as isObj, ProviderCaller, tokenCount as num } from './provider-call.js';
import type { RetryPolicy } from './retry-policy.js';
import { sdkFailureClassifier } from './sdk-failure.js';

/**
 * Anthropic's Messages API (non-streaming): the system prompt is a top-level field, tool calls
 * are `tool_use` content blocks and their results go back as `tool_result` blocks in the next
 * user turn.
 */

export interface AnthropicOptions {
  name?: string;
  /** Without the /v1 suffix; the SDK appends /v1/messages. */
  baseURL?: string;
  apiKey: string;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** The Messages API requires max_tokens; used when the request does not say. */
  defaultMaxTokens?: number;
}

const classify = sdkFailureClassifier(Anthropic);

/**
 * Tool results must all sit in the user turn right after the assistant's tool_use turn, and
 * turns must alternate, so consecutive user-side messages are merged into one turn.
 */
function toWireMessages(req: ChatRequest): MessageParam[] {
  const out: MessageParam[] = [];
  const pushUserBlock = (block: ContentBlockParam) => {
    const last = out[out.length - 1];
    if (last?.role === 'user' && Array.isArray(last.content)) last.content.push(block);
    else out.push({ role: 'user', content: [block] });
  };
  for (const m of req.messages) {
    if (m.role === 'user') pushUserBlock({ type: 'text', text: m.content });
    else if (m.role === 'tool') {
      pushUserBlock({ type: 'tool_result', tool_use_id: m.toolCallId, content: m.content, ...(m.isError ? { is_error: true } : {}) });
    } else {
      const blocks: ContentBlockParam[] = [];
      if (m.content) blocks.push({ type: 'text', text: m.content });
      for (const c of m.toolCalls ?? []) {
        const input = typeof c.arguments === 'object' && c.arguments !== null && !Array.isArray(c.arguments) ? c.arguments : {};
        blocks.push({ type: 'tool_use', id: c.id, name: c.name, input });
      }
      out.push({ role: 'assistant', content: blocks.length ? blocks : [{ type: 'text', text: '(no content)' }] });
    }
  }
  return out;
}

function toWireTools(req: ChatRequest): Tool[] | undefined {
  if (!req.tools?.length) return undefined;
  return req.tools.map((t) => ({
    name: t.name,
    description: t.description,
    input_schema: { type: 'object', ...t.parameters } as Tool['input_schema'],
  }));
}

const STOP_REASONS: Record<string, StopReason> = {
  end_turn: 'end_turn',
  tool_use: 'tool_use',
  max_tokens: 'max_tokens',
  stop_sequence: 'stop_sequence',
  refusal: 'content_filter',
};

export class AnthropicProvider implements ModelProvider {
  readonly name: string;
  private readonly client: Anthropic;
  private readonly options: AnthropicOptions;
  private readonly caller: ProviderCaller;

  constructor(options: AnthropicOptions) {
    this.name = options.name ?? 'anthropic';
    this.options = options;
    this.caller = new ProviderCaller({ name: this.name, apiKey: options.apiKey, timeoutMs: options.timeoutMs, retry: options.retry, classify });
    this.client = new Anthropic({
      apiKey: options.apiKey,
      // The SDK sends the key as a Bearer token; x-api-key is the Messages API's documented
      // header and what Anthropic-compatible gateways look for, so send both.
      defaultHeaders: { 'x-api-key': options.apiKey },
      ...(options.baseURL ? { baseURL: options.baseURL } : {}),
      maxRetries: 0,
      timeout: this.caller.timeoutMs,
    });
  }

  async chat(req: ChatRequest, opts: ChatOptions = {}): Promise<ChatResponse> {
    // Anthropic has no response_format for plain JSON; the instruction does the job.
    const wantsInstruction = req.responseFormat === 'json' && !req.system?.includes(JSON_ONLY_INSTRUCTION);
    const system = [req.system, wantsInstruction ? JSON_ONLY_INSTRUCTION : undefined].filter(Boolean).join('\n\n');
    const tools = toWireTools(req);
    const body: MessageCreateParamsNonStreaming = {
      model: req.model,
      max_tokens: req.maxTokens ?? this.options.defaultMaxTokens ?? 4096,
      messages: toWireMessages(req),
      ...(system ? { system } : {}),
      ...(tools ? { tools } : {}),
      ...(req.temperature === undefined ? {} : { temperature: req.temperature }),
    };
    const call = await this.caller.call(req, opts, (options) => this.client.messages.create(body, options));
    const invalid = call.invalid;

    const message = call.body;
    if (!isObj(message) || !Array.isArray(message.content)) throw invalid('expected a message object with a content array');
    const texts: string[] = [];
    const toolCalls: ToolCall[] = [];
    for (const block of message.content) {
      if (!isObj(block)) continue;
      if (block.type === 'text' && typeof block.text === 'string') texts.push(block.text);
      if (block.type === 'tool_use') {
        const id = typeof block.id === 'string' ? block.id : `toolu_${toolCalls.length}`;
        const name = typeof block.name === 'string' ? block.name : '';
        if (!name) throw invalid('tool_use block without a name');
        if (isObj(block.input)) toolCalls.push({ id, name, arguments: block.input });
        else {
          const argumentsError = new SyntraError('provider_invalid_output', `${this.name} model ${req.model}: input of tool call ${name} (${id}) is not a JSON object`, {
            details: { provider: this.name, model: req.model, toolCallId: id, tool: name },
          });
          toolCalls.push({ id, name, arguments: undefined, argumentsError });
        }
      }
    }
    const rawStop = typeof message.stop_reason === 'string' ? message.stop_reason : null;
    const usage = isObj(message.usage) ? message.usage : {};
    return call.respond(
      {
        text: texts.join(''),
        toolCalls,
        stopReason: rawStop ? (STOP_REASONS[rawStop] ?? 'other') : 'other',
        rawStopReason: rawStop,
        // Cached prompt tokens are still input the model read; count them.
        usage: {
          inputTokens: num(usage.input_tokens) + num(usage.cache_creation_input_tokens) + num(usage.cache_read_input_tokens),
          outputTokens: num(usage.output_tokens),
        },
      },
      message.model,
    );
  }
}
