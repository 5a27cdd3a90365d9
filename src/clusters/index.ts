/** Several clusters: the registry, isolation per cluster (`cluster/namespace` scopes), one evidence client per cluster. */
export * from './registry.js';
export * from './scope.js';
