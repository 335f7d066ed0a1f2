/**
 * The `bitnobi` plugin: backs up a Bitnobi container with its own bitnobiBackup.sh (halted
 * for as short as the script takes, started again whatever happens) and restores it into a
 * new container made from the recorded configuration — on the same host or a new one —
 * with bitnobiRestore.sh, keeping the old container as the way back.
 */
import type { LifeboatPlugin } from '../../../src-main/plugin-host/plugin-api.js';
import { backupBitnobi } from './backup-bitnobi.js';
import { planRestore } from './plan-restore.js';
import { probeBitnobi } from './probe-bitnobi.js';
import { restoreBitnobi } from './restore-bitnobi.js';

export const plugin: LifeboatPlugin = {
  probe: probeBitnobi,
  backup: backupBitnobi,
  restore: restoreBitnobi,
  planRestore,
};
