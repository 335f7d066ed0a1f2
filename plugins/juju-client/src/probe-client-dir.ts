/** Probe of a Juju client directory: a folder, not a service, so reachable means readable. */
import type { ProbeContext, ProbeResult } from '../../../src-main/plugin-host/plugin-api.js';
import { detectClientDir, detectLayout, isReadableDirectory } from './client-dir.js';
import { readOptions } from './juju-options.js';

export async function probeClientDir(ctx: ProbeContext): Promise<ProbeResult> {
  const found = await detectClientDir(ctx, readOptions(ctx).dir);
  const readable = await isReadableDirectory(found.path);
  const version = await jujuVersion(ctx);
  if (!readable) {
    return {
      reachable: false,
      running: false,
      ...(version ? { version } : {}),
      detail: `No readable Juju client directory at ${found.path} (found by ${found.foundBy}); set the option dir.`,
    };
  }
  const layout = await detectLayout(found.path);
  const client = version ? `juju ${version} is installed` : 'the juju command is not installed here';
  return {
    reachable: true,
    // A client directory has no process of its own: it is "running" whenever it is there.
    running: true,
    ...(version ? { version } : {}),
    detail: `${found.path} (Juju ${layout} layout, found by ${found.foundBy}); ${client}.`,
  };
}

/** `juju version`'s output, or undefined when the command is missing or fails. */
async function jujuVersion(ctx: ProbeContext): Promise<string | undefined> {
  try {
    const r = await ctx.local.exec('juju', ['version'], { allowFailure: true });
    const out = r.stdout.trim();
    return r.code === 0 && out ? out.split('\n')[0] : undefined;
  } catch {
    // A missing command rejects (spawn ENOENT) even with allowFailure.
    return undefined;
  }
}
