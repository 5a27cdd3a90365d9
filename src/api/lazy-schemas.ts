import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { FastifySchemaCompiler } from 'fastify';

type SerializerFactory = ReturnType<typeof SerializerSelector>;

/**
 * Route schemas compiled on first use instead of at start-up. Fastify compiles a validator for
 * every request part and a serializer for every response of every route when the app gets ready
 * (Ajv and fast-json-stringify code generation): ~300 ms of a first `syntra up` for some 150
 * routes, most of which a given server never serves. Compiled lazily, each route pays a few
 * milliseconds on its first request. `compileAll` compiles whatever is still pending: the tests
 * run it on the whole app, so a schema that does not compile fails there, not at a first request.
 */
export interface LazySchemas {
  validatorCompiler: FastifySchemaCompiler<object>;
  /** For Fastify's `schemaController.compilersFactory.buildSerializer`. */
  buildSerializer: SerializerFactory;
  /** Compiles every schema not compiled yet; returns how many. */
  compileAll(): number;
}

export function lazySchemas(validatorCompiler: FastifySchemaCompiler<object>, buildSerializer: SerializerFactory = SerializerSelector()): LazySchemas {
  const pending = new Set<() => unknown>();
  /** `compile` runs once, on the first call of the function it returns (or in compileAll). */
  const once = <T>(compile: () => T): (() => T) => {
    let compiled: { fn: T } | undefined;
    const get = () => {
      if (!compiled) {
        compiled = { fn: compile() };
        pending.delete(get);
      }
      return compiled.fn;
    };
    pending.add(get);
    return get;
  };
  return {
    validatorCompiler: (route) => {
      const validate = once(() => validatorCompiler(route));
      // Fastify reads the errors of a failed validation from the function it was given.
      const check: ReturnType<FastifySchemaCompiler<object>> = (data) => {
        const result = validate()(data);
        check.errors = validate().errors ?? null;
        return result;
      };
      return check;
    },
    buildSerializer: (externalSchemas, options) => {
      const compiler = buildSerializer(externalSchemas, options);
      return (route) => {
        const serialize = once(() => compiler(route));
        return (doc) => serialize()(doc);
      };
    },
    compileAll: () => {
      const all = [...pending];
      for (const get of all) get();
      return all.length;
    },
  };
}
