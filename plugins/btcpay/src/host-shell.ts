/**
 * sh on the machine the BTCPay stack runs on: over the target's SSH connection, or here when
 * the target is the local Docker engine. Never canceled by the job: what runs through it
 * (the supervisor, its lease) must keep working while a canceled job puts things back.
 */
import { spawn } from 'node:child_process';
import type { PluginContext } from '../../../src-main/plugin-host/plugin-api.js';
import { AppError } from '../../../src-main/shared/app-error.js';

export interface HostShell {
  /** "on <host>" or "on this machine", for messages. */
  readonly where: string;
  /** Runs an sh script; resolves with its stdout, rejects with its stderr on a non-zero exit. */
  run(script: string, options?: { readonly input?: string }): Promise<string>;
}

export async function hostShell(ctx: PluginContext, remote: boolean): Promise<HostShell> {
  if (remote) {
    const host = await ctx.ssh();
    return {
      where: `on ${host.host}`,
      run: async (script, options = {}) => (await host.exec(script, options.input !== undefined ? { input: options.input } : {})).stdout,
    };
  }
  return { where: 'on this machine', run: runLocal };
}

function runLocal(script: string, options: { readonly input?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', script], { stdio: [options.input !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (c: Buffer) => out.push(c));
    child.stderr!.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e) => reject(new AppError('plugin', `Could not run sh on this machine: ${e.message}`, { cause: e })));
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new AppError('plugin', `A command on this machine failed (exit ${code ?? 'signal'}): ${Buffer.concat(err).toString('utf8').trim().split('\n').slice(-3).join(' ')}`));
    });
    if (child.stdin) {
      // A script that exits without reading its input closes the pipe: that is not an error here.
      child.stdin.on('error', () => {});
      child.stdin.end(options.input);
    }
  });
}
