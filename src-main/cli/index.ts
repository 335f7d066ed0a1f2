/**
 * The `lifeboat` command: the same engine as the window, for terminals, cron and scripts.
 * Plain Node, no Electron; exit codes 0 ok, 1 failed, 2 usage or config, 3 verification
 * failed, 130 canceled.
 */
export { runCli } from './main.js';
