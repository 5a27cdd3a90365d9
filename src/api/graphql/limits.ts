import {
  GraphQLError,
  Kind,
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  type ASTVisitor,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationContext,
} from './graphql-js.js';

/**
 * Query depth and cost limits, checked before anything runs. Cost: every field counts 1, times
 * the page size of the list-typed fields above it (`limit`/`first` argument, else the default page),
 * so a wide nested listing costs what it would fetch. Both answer `query_too_complex`.
 */
export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxDepth: 8, maxCost: 5_000 };
const DEFAULT_PAGE = 20;
const PAGE_ARGS = new Set(['limit', 'first']);

function pageSize(field: FieldNode, variables: Record<string, unknown>): number {
  for (const arg of field.arguments ?? []) {
    if (!PAGE_ARGS.has(arg.name.value)) continue;
    if (arg.value.kind === Kind.INT) return Number(arg.value.value);
    if (arg.value.kind === Kind.VARIABLE) {
      const v = variables[arg.value.name.value];
      if (typeof v === 'number') return v;
    }
  }
  return 0;
}

interface Walk {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

/**
 * `page`: the page size a parent field asked for (runs(limit: 50) pages its `items` list); a
 * list without one counts DEFAULT_PAGE items.
 */
function measure(w: Walk, set: SelectionSetNode, parent: GraphQLNamedType | undefined, depth: number, seen: Set<string>, page?: number): { depth: number; cost: number } {
  let maxDepth = depth;
  let cost = 0;
  const fields = parent && isObjectType(parent) ? parent.getFields() : {};
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      if (!sel.selectionSet) {
        cost += 1;
        continue;
      }
      const type = fields[sel.name.value]?.type;
      const asked = pageSize(sel, w.variables);
      const isList = type !== undefined && isListType(getNullableType(type));
      // A page size on a list multiplies that list; on an object (a page), the list inside it.
      const inner = measure(w, sel.selectionSet, type ? getNamedType(type) : undefined, depth + 1, seen, !isList && asked > 0 ? asked : undefined);
      const times = isList ? (asked > 0 ? asked : (page ?? DEFAULT_PAGE)) : 1;
      cost += 1 + inner.cost * times;
      maxDepth = Math.max(maxDepth, inner.depth);
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      const on = sel.typeCondition ? w.schema.getType(sel.typeCondition.name.value) : parent;
      const inner = measure(w, sel.selectionSet, on ?? undefined, depth, seen, page);
      cost += inner.cost;
      maxDepth = Math.max(maxDepth, inner.depth);
    } else {
      const name = sel.name.value;
      const fragment = w.fragments[name];
      if (!fragment || seen.has(name)) continue; // a fragment cycle is reported by graphql's own rule
      const on = w.schema.getType(fragment.typeCondition.name.value) ?? undefined;
      const inner = measure(w, fragment.selectionSet, on, depth, new Set([...seen, name]), page);
      cost += inner.cost;
      maxDepth = Math.max(maxDepth, inner.depth);
    }
  }
  return { depth: maxDepth, cost };
}

export function queryLimitsRule(limits: QueryLimits, variables: Record<string, unknown> = {}) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const d of context.getDocument().definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
    return {
      OperationDefinition(op) {
        const schema = context.getSchema();
        const root = op.operation === 'query' ? schema.getQueryType() : op.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
        const { depth, cost } = measure({ schema, fragments, variables }, op.selectionSet, root ?? undefined, 1, new Set());
        if (depth > limits.maxDepth) {
          context.reportError(new GraphQLError(`query depth ${depth} exceeds the limit of ${limits.maxDepth}`, { extensions: { code: 'query_too_complex', details: { depth, maxDepth: limits.maxDepth } } }));
        }
        if (cost > limits.maxCost) {
          context.reportError(new GraphQLError(`query cost ${cost} exceeds the limit of ${limits.maxCost}: ask for fewer fields or smaller pages`, { extensions: { code: 'query_too_complex', details: { cost, maxCost: limits.maxCost } } }));
        }
      },
    };
  };
}
