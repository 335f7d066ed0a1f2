/**
 * The operator's configuration file (`config.yaml`): targets and settings, read and written
 * with validation that names the bad key.
 */
export * from './config-file.js';
