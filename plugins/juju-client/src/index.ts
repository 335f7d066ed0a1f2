/**
 * The `juju-client` plugin: backs up and restores the Juju client directory
 * (`~/.local/share/juju` for Juju 2.x+, `~/.juju` for 1.x) with its SSH keys and
 * credentials, keeping modes, owners, mtimes and symlinks, in a layout plain `tar` restores.
 */
import type { LifeboatPlugin } from '../../../src-main/plugin-host/plugin-api.js';
import { backupClientDir } from './backup-client-dir.js';
import { planRestoreClientDir } from './plan-restore-client-dir.js';
import { probeClientDir } from './probe-client-dir.js';
import { restoreClientDir } from './restore-client-dir.js';

export const plugin: LifeboatPlugin = {
  probe: probeClientDir,
  backup: backupClientDir,
  restore: restoreClientDir,
  planRestore: planRestoreClientDir,
};
