/**
 * Finding the Juju client directory and telling its layout, the way Juju itself looks
 * for it: `$JUJU_DATA`, then the XDG data folder (Juju 2.x+), then `~/.juju` (Juju 1.x).
 */
import { access, constants, stat } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { PluginContext } from '../../../src-main/plugin-host/plugin-api.js';

export type JujuLayout = '1.x' | '2.x+' | 'unknown';

export interface ClientDir {
  /** Absolute path of the directory. */
  readonly path: string;
  /** Where it was found, for the log: `option dir`, `$JUJU_DATA`, ... */
  readonly foundBy: string;
}

/** Files only Juju 2.x+ writes at the top of its data folder. */
const LAYOUT_2X = ['controllers.yaml', 'accounts.yaml', 'credentials.yaml', 'clouds.yaml', 'cookies'];
/** Files only Juju 1.x writes in ~/.juju. */
const LAYOUT_1X = ['environments.yaml', 'environments', 'current-environment'];

/** Expands a leading `~` and makes the path absolute. */
export function expandHome(path: string, home: string): string {
  if (path === '~') return home;
  if (path.startsWith('~/')) return join(home, path.slice(2));
  return resolve(path);
}

/**
 * The directory to back up: option `dir`; else `$JUJU_DATA`; else `$XDG_DATA_HOME/juju` or
 * `~/.local/share/juju` when one exists; else `~/.juju` (which may not exist: the caller
 * says so).
 */
export async function detectClientDir(ctx: PluginContext, dirOption: string | undefined): Promise<ClientDir> {
  const home = ctx.local.homedir;
  if (dirOption) return { path: expandHome(dirOption, home), foundBy: 'option dir' };
  const jujuData = ctx.local.env.JUJU_DATA;
  if (jujuData) return { path: expandHome(jujuData, home), foundBy: '$JUJU_DATA' };
  const xdg = ctx.local.env.XDG_DATA_HOME;
  if (xdg && isAbsolute(xdg) && (await isDirectory(join(xdg, 'juju')))) {
    return { path: join(xdg, 'juju'), foundBy: '$XDG_DATA_HOME/juju' };
  }
  const modern = join(home, '.local', 'share', 'juju');
  if (await isDirectory(modern)) return { path: modern, foundBy: '~/.local/share/juju' };
  return { path: join(home, '.juju'), foundBy: '~/.juju' };
}

/** Which Juju wrote this folder, judged by the files at its top. */
export async function detectLayout(dir: string): Promise<JujuLayout> {
  for (const name of LAYOUT_2X) if (await exists(join(dir, name))) return '2.x+';
  for (const name of LAYOUT_1X) if (await exists(join(dir, name))) return '1.x';
  return 'unknown';
}

/**
 * The folder's name inside the archive: its path relative to $HOME when it is inside it
 * (`.juju`, `.local/share/juju`), else its basename. So `cd ~ && gpg -d X | tar -xz` puts
 * it back where it was, as the `tar -cpzf ... .juju` backups operators make today do.
 */
export function archiveRootFor(dir: string, home: string): string {
  const rel = relative(home, dir);
  if (rel && !rel.startsWith('..') && !isAbsolute(rel)) return rel.split(sep).join('/');
  return basename(dir) || 'juju';
}

export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

export async function isReadableDirectory(path: string): Promise<boolean> {
  if (!(await isDirectory(path))) return false;
  try {
    await access(path, constants.R_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
