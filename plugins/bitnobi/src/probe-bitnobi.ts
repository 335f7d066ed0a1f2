/** Is the Bitnobi container there, running and answering? Which version? Changes nothing. */
import type { ProbeContext, ProbeResult } from '../../../src-main/plugin-host/plugin-api.js';
import { errorMessage } from '../../../src-main/shared/app-error.js';
import { readOptions } from './bitnobi-options.js';
import { answers } from './in-container.js';

export async function probeBitnobi(ctx: ProbeContext): Promise<ProbeResult> {
  const opts = readOptions(ctx.target.options);
  let engine;
  try {
    engine = await ctx.docker();
  } catch (e) {
    return { reachable: false, running: false, detail: errorMessage(e) };
  }
  const ref = await engine.findContainer(opts.container);
  if (!ref) return { reachable: true, running: false, detail: `No container named ${opts.container} on this Docker engine.` };
  if (!ref.running) return { reachable: true, running: false, detail: `The container ${opts.container} is stopped.` };
  const version = (await engine.exec(ref.id, ['cat', `${opts.home}/VERSION`], { allowFailure: true, signal: undefined }).catch(() => undefined))?.stdout.trim();
  const up = await answers(engine, ref.id, opts.probePort);
  return {
    reachable: true,
    running: up,
    ...(version ? { version } : {}),
    detail: up ? `${opts.container} answers on port ${opts.probePort}.` : `${opts.container} runs, but Bitnobi does not answer on port ${opts.probePort} (halted? run ./startScript.sh in it).`,
  };
}
