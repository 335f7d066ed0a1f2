/**
 * The `juju-state` plugin: backs up a Juju controller (state server) over SSH in the layout
 * of Juju's own backups (`juju-backup/root.tar`, `dump/`, `metadata.json`), and restores it
 * onto a new host after checking the old one is gone, re-pointing the other machines' agents.
 */
import type { LifeboatPlugin } from '../../../src-main/plugin-host/plugin-api.js';
import { backupController } from './backup-controller.js';
import { planRestore } from './plan-restore.js';
import { probeController } from './probe-controller.js';
import { restoreController } from './restore-controller.js';

export const plugin: LifeboatPlugin = {
  probe: probeController,
  backup: backupController,
  restore: restoreController,
  planRestore,
};
