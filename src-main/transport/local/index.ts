/**
 * The machine Lifeboat runs on, as plugins see it: programs run without a shell, killed on
 * cancel, and an environment without Lifeboat's own secrets.
 */
export * from './safe-env.js';
export * from './local-machine.js';
