/**
 * Docker engines as plugins reach them: a dockerode client on a local socket or over the
 * target's SSH connection, plus the few operations backups need — find and stop/start a
 * target's containers, exec, volume and path contents as tar streams, run a container.
 */
export * from './docker-client.js';
export * from './containers.js';
export * from './docker-exec.js';
export * from './volumes.js';
export * from './run-container.js';
