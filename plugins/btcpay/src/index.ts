/**
 * The `btcpay` plugin: backs up and restores a BTCPay Server docker-compose deployment in
 * the layout of BTCPay's own btcpay-backup.sh (so btcpay-restore.sh, or gpg and tar, can
 * restore it too), with a short, supervised downtime, checked dumps, and a way back on restore.
 */
import type { LifeboatPlugin } from '../../../src-main/plugin-host/plugin-api.js';
import { backupStack } from './backup-stack.js';
import { planRestore } from './plan-restore.js';
import { probeStack } from './probe-stack.js';
import { restoreStack } from './restore-stack.js';
import { verifyArchive } from './verify-archive.js';

export const plugin: LifeboatPlugin = {
  probe: probeStack,
  backup: backupStack,
  restore: restoreStack,
  planRestore,
  verify: verifyArchive,
};
