/**
 * How Lifeboat reaches the machines it backs up: the machine it runs on (local), and, from
 * their own sub-folders, remote hosts over SSH and Docker engines.
 */
export * from './local/index.js';
export * from './ssh/index.js';
export * from './docker/index.js';
