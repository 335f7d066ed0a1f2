/** Is the BTCPay stack there and running, and which version? Changes nothing. */
import type { ProbeContext, ProbeResult } from '../../../src-main/plugin-host/plugin-api.js';
import { errorMessage } from '../../../src-main/shared/app-error.js';
import { readOptions } from './btcpay-options.js';
import { findStack } from './find-stack.js';

export async function probeStack(ctx: ProbeContext): Promise<ProbeResult> {
  const opts = readOptions(ctx.target.options, ctx.local.env);
  let engine;
  try {
    engine = await ctx.docker();
  } catch (e) {
    return { reachable: false, running: false, detail: errorMessage(e) };
  }
  try {
    const stack = await findStack(engine, opts.project);
    const running = stack.containers.filter((c) => c.running).length;
    const server = stack.containers.find((c) => c.service === 'btcpayserver');
    const image = server ? (await engine.client.getContainer(server.id).inspect()).Config.Image : undefined;
    const version = image?.includes(':') ? image.slice(image.lastIndexOf(':') + 1) : undefined;
    return {
      reachable: true,
      running: stack.postgres.running && (server?.running ?? true),
      ...(version ? { version } : {}),
      detail: `Compose project ${stack.project}: ${running} of ${stack.containers.length} containers running, ${stack.volumes.length} volumes in ${stack.volumesRoot}.`,
    };
  } catch (e) {
    return { reachable: true, running: false, detail: errorMessage(e) };
  }
}
