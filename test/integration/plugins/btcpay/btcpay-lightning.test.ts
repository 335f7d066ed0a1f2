// Lightning channel state on the stand-in BTCPay Server (its LND node), through the host's
// operations as the window drives them: left out by default; with includeLightningState it
// is archived with the warning in the manifest, and a restore starts the Lightning
// containers only when the operator confirms the old node is gone for good.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openArchive } from '../../../../src-main/archive/index.js';
import { createJobRunner } from '../../../../src-main/engine/index.js';
import { runBackup, runRestore } from '../../../../src-main/operations/index.js';
import { discoverPlugins, type PluginRegistry } from '../../../../src-main/plugin-host/index.js';
import type { TargetConfig } from '../../../../src-main/shared/index.js';
import { PROJECT_DIR } from '../lifeboat-cli.js';
import { setUpBtcpaySuite } from './btcpay-cli.js';

const PROJECT = 'lbln';
const LND = `${PROJECT}_btcpayserver_lnd_bitcoin`;
const GRAPH = `volumes/${PROJECT}_lnd_bitcoin_datadir/_data/data/graph/mainnet/channel.db`;

const suite = setUpBtcpaySuite({ project: PROJECT, tmpPrefix: 'lbt-btcpay-ln-' });
let registry: PluginRegistry;
let target: TargetConfig;

beforeAll(async () => {
  registry = await discoverPlugins({ builtinDir: join(PROJECT_DIR, 'plugins'), userDir: join(suite.tmp, 'no-user-plugins') });
  target = { name: 'shop', plugin: 'btcpay', options: { project: PROJECT, dockerSocket: suite.rig.socketPath, includeLightningState: true } };
});

const runner = createJobRunner();
const logs: string[] = [];
const log = { debug() {}, info: (m: string) => logs.push(m), warn: (m: string) => logs.push(`warn: ${m}`), error: (m: string) => logs.push(`error: ${m}`) };

describe('btcpay and Lightning channel state', () => {
  let archive: string;

  it('with includeLightningState: channel.db is archived, the warning is in the log and the manifest', async () => {
    const outcome = await runner
      .enqueue({ kind: 'backup', target: 'shop', title: 'backup', run: (ctx) => runBackup({ registry, target, store: join(suite.tmp, 'store'), encryption: { kind: 'none' }, confirm: async () => true }, { ...ctx, log }) })
      .result();
    archive = outcome.archive.path;
    expect(logs.join('\n')).toMatch(/warn: .*channel state is toxic.*INCLUDES the channel state/is);
    const manifest = await openArchive(archive, {}).readManifest();
    expect(manifest.entries.map((e) => e.path)).toContain(GRAPH);
    const meta = manifest.metadata.btcpay as { lightning: { channelStateIncluded: boolean; warning: string } };
    expect(meta.lightning.channelStateIncluded).toBe(true);
    expect(meta.lightning.warning).toMatch(/toxic/);
  });

  it('restore: declining the Lightning question leaves LND stopped, everything else running, and says how to start it', async () => {
    const questions: string[] = [];
    const confirm = async (q: string) => {
      questions.push(q);
      return !q.includes('Lightning channel state');
    };
    const outcome = await runner
      .enqueue({ kind: 'restore', target: 'shop', title: 'restore', run: (ctx) => runRestore({ registry, target, archivePath: archive, decryption: {}, confirm }, ctx) })
      .result();
    expect(questions.some((q) => q.includes('old node is gone for good'))).toBe(true);
    expect(await suite.stack.running()).toEqual(suite.stack.containers.filter((c) => c !== LND));
    expect(outcome.result?.notes?.join(' ')).toContain(`docker start ${LND}`);
  });

  it('restore: confirming starts LND too', async () => {
    await suite.rig.docker.getContainer(LND).start();
    const questions: string[] = [];
    await runner
      .enqueue({ kind: 'restore', target: 'shop', title: 'restore', run: (ctx) => runRestore({ registry, target, archivePath: archive, decryption: {}, confirm: async (q) => questions.push(q) > 0 }, ctx) })
      .result();
    expect(questions.some((q) => q.includes('old node is gone for good'))).toBe(true);
    expect(await suite.stack.running()).toEqual(suite.stack.containers);
  });
});
