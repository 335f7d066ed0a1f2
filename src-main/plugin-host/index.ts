/**
 * The plugin host: the plugin contract (plugin-api.ts), discovery of built-in and drop-in
 * plugins with their manifest checks, the registry of what loaded, and the validation and
 * redaction of a target's options against its plugin's schema.
 */
export * from './plugin-api.js';
export * from './discovery.js';
export * from './registry.js';
export * from './manifest-check.js';
export * from './plugin-options.js';
