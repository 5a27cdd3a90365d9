/**
 * graphql-js, always its CommonJS build. The package ships both builds without an `exports` map:
 * Node loads index.js for `graphql`, but Vite (the test runner) would pick index.mjs, and a schema
 * built with one copy is refused by mercurius, which requires the other ("another module or realm").
 */
export * from 'graphql/index.js';
