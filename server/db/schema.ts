/** The whole data model, in two files: the scenario's entities, and what happens during an incident. */
export * from './schema-core.js';
export * from './schema-operations.js';
