// The restore's volume swap and its undo, run by the real sh (dash, and busybox's ash like an
// Alpine-based helper would) over a fake Docker volumes folder with real owners, modes,
// symlinks and awkward names. What an operator would notice: after the swap the stack sees the
// archive's data plus the host's own (keys, logs, current channel state), databases start
// empty with the right owner; after undo, from any point of the swap, the host is exactly as
// it was.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { swapScript, undoScript, type SwapPlan } from '../../../../plugins/btcpay/src/swap-script.js';
import { asObject, build, dir, file, link, snapshot, type Snapshot, type Tree } from './tree-fixture.js';

const isUnder = (path: string, top: string): boolean => path === top || path.startsWith(`${top}/`);

const WEIRD_LOG = "logs/it's a \"log\"\nwith a newline $(touch pwned).log";
const BTCPAY = 'gen_btcpay_datadir';
const LND = 'gen_lnd_bitcoin_datadir';
const NBX = 'gen_nbxplorer_datadir';
const POSTGRES = 'gen_postgres_datadir';
const MARIADB = 'gen_mariadb_datadir';
const BITCOIN = 'gen_bitcoin_datadir';
const ROLLBACK = 'lifeboat-rollback-gen-20261122-025000';
const RESTORE = 'lifeboat-restore-job 1';

const CURRENT: Record<string, Tree> = {
  [BTCPAY]: [
    ['', dir(0o755, 1000)],
    ['Main', dir(0o700, 1000)],
    ['Main/settings.config', file('network=mainnet\n', 0o600, 1000)],
    ['Plugins', dir(0o755, 1000)],
    ["Plugins/a b 'c'\n.dll", file('old plugin', 0o644, 1000)],
    ['.dotfile', file('old dot', 0o640, 1000, 1001)],
    ['current', link('Main', 1000)],
    ['host_id_rsa', file('PRIVATE KEY of this host', 0o600)],
    ['host_id_rsa.pub', file('ssh-ed25519 AAAA host')],
    ['host_authorized_keys', file('ssh-ed25519 AAAA host\n', 0o600)],
    ['host_link', link('/nowhere/at/all', 1000)],
    ['logs', dir(0o750, 1000)],
    ['logs/btcpay.log', file('old log line\n', 0o640, 1000)],
    [WEIRD_LOG, file('weird old log', 0o600, 1002)],
  ],
  [LND]: [
    ['', dir(0o700, 1001)],
    ['tls.cert', file('current cert', 0o600, 1001)],
    ['data', dir(0o700, 1001)],
    ['data/chain/bitcoin/mainnet', dir(0o700, 1001)],
    ['data/chain/bitcoin/mainnet/wallet.db', file('current wallet', 0o600, 1001)],
    ['data/graph', dir(0o700, 1001)],
    ['data/graph/mainnet', dir(0o700, 1001)],
    ['data/graph/mainnet/channel.db', file('CURRENT channel state', 0o600, 1001)],
    ['logs/bitcoin/mainnet', dir(0o700, 1001)],
    ['logs/bitcoin/mainnet/lnd.log', file('current lnd log', 0o600, 1001)],
  ],
  [NBX]: [
    ['', dir(0o755, 0)],
    ['Main/settings.config', file('nbx old')],
  ],
  [POSTGRES]: [
    ['', dir(0o700, 999, 999)],
    ['PG_VERSION', file('15\n', 0o600, 999)],
    ['base/1', dir(0o700, 999)],
    ['base/1/1259', file('rows', 0o600, 999)],
  ],
  [MARIADB]: [
    ['', dir(0o2750, 999, 998)],
    ['ibdata1', file('maria', 0o660, 999, 998)],
  ],
  [BITCOIN]: [
    ['', dir(0o755, 1000)],
    ['blocks/blk00000.dat', file('blocks', 0o600, 1000)],
  ],
};

// The archive's copies, as the upload leaves them: no host keys, no logs, no channel state.
const INCOMING: Record<string, Tree> = {
  [BTCPAY]: [
    ['', dir(0o755, 1000)],
    ['Main', dir(0o700, 1000)],
    ['Main/settings.config', file('network=mainnet\narchived\n', 0o600, 1000)],
    ["Plugins/a b 'c'\n.dll", file('archived plugin', 0o644, 1000)],
    ['.dotfile', file('archived dot', 0o640, 1000, 1001)],
    ['current', link('Main', 1000)],
  ],
  [LND]: [
    ['', dir(0o700, 1001)],
    ['tls.cert', file('archived cert', 0o600, 1001)],
    ['data', dir(0o700, 1001)],
    ['data/chain/bitcoin/mainnet/wallet.db', file('archived wallet', 0o600, 1001)],
  ],
  [NBX]: [
    ['', dir(0o755, 0)],
    ['Main/settings.config', file('nbx archived')],
    ['Main/new file', file('only in the archive')],
  ],
};

// What restore-stack's ownPaths finds: the topmost paths matching the exclude list.
const CARRY: Record<string, readonly string[]> = {
  [BTCPAY]: ['host_id_rsa', 'host_id_rsa.pub', 'host_authorized_keys', 'host_link', 'logs/btcpay.log', WEIRD_LOG],
  [LND]: ['data/graph', 'logs/bitcoin'],
  [NBX]: [],
};

let tmp: string | undefined;
afterEach(() => {
  if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
});

/** A fresh Docker volumes folder (under a path with a space and a quote) and its plan. */
function fixture(): { root: string; plan: SwapPlan } {
  tmp = mkdtempSync(join(tmpdir(), 'lbt-swap-'));
  const root = join(tmp, "docker root's volumes");
  for (const [volume, tree] of Object.entries(CURRENT)) build(join(root, volume, '_data'), tree);
  for (const [volume, tree] of Object.entries(INCOMING)) build(join(root, RESTORE, '_data', 'volumes', volume, '_data'), tree);
  mkdirSync(join(root, ROLLBACK, '_data'), { recursive: true });
  const plan: SwapPlan = {
    root,
    keep: `${root}/${ROLLBACK}/_data/volumes`,
    incoming: `${root}/${RESTORE}/_data/volumes`,
    discard: `${root}/${RESTORE}/_data/discarded`,
    replace: [BTCPAY, LND, NBX].map((volume) => ({ volume, carry: CARRY[volume]! })),
    empty: [POSTGRES, MARIADB],
  };
  return { root, plan };
}

/** The host's own volumes: everything but Lifeboat's two restore volumes. */
const hostVolumes = (root: string): Snapshot => snapshot(root, { skip: new Set([ROLLBACK, RESTORE]) });

const SHELLS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['sh', ['sh']],
  ['busybox sh', ['busybox', 'sh']],
];

function run(shell: readonly string[], script: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(shell[0]!, [...shell.slice(1), '-c', script], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Line counts after which the script so far is complete sh (the points a failure can stop it at). */
function statementEnds(script: string): number[] {
  const lines = script.split('\n');
  const ends: number[] = [];
  for (let n = 1; n < lines.length; n++) {
    if (spawnSync('sh', ['-n', '-c', lines.slice(0, n).join('\n')]).status === 0) ends.push(n);
  }
  return [...ends, lines.length];
}

describe.each(SHELLS)('btcpay volume swap and undo (%s)', (_name, shell) => {
  it('puts the archive in place with the host\'s own paths carried over, and databases empty with their owner and mode', () => {
    const { root, plan } = fixture();
    const before = new Map(Object.keys(CURRENT).map((v) => [v, snapshot(join(root, v, '_data'))]));
    const incoming = new Map(Object.keys(INCOMING).map((v) => [v, snapshot(join(plan.incoming, v, '_data'))]));

    const r = run(shell, swapScript(plan));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readdirSync(tmp!)).toEqual(["docker root's volumes"]); // nothing in the names ran

    for (const { volume, carry } of plan.replace) {
      const old = before.get(volume)!;
      const carried = (p: string): boolean => carry.some((c) => isUnder(p, c));
      const expectedLive = new Map(incoming.get(volume)!);
      for (const [p, node] of old) if (carried(p)) expectedLive.set(p, node);
      const live = snapshot(join(root, volume, '_data'));
      // Folders the swap made on the way to a carried path (the archive had no logs/ folder).
      for (const [p, node] of live) {
        if (!expectedLive.has(p)) {
          expect(node.type, `${volume}: ${p}`).toBe('dir');
          expect(carry.some((c) => c.startsWith(`${p}/`)), `${volume}: ${p} made on the way`).toBe(true);
          expectedLive.set(p, node);
        }
      }
      expect(asObject(live), volume).toEqual(asObject(expectedLive));
      const kept = snapshot(join(plan.keep, volume, '_data'));
      expect(asObject(kept), volume).toEqual(asObject(new Map([...old].filter(([p]) => !carried(p)))));
      expect(readdirSync(join(plan.incoming, volume))).toEqual([]);
    }
    // The host keeps its current channel state, not none and not the archive's.
    expect(readFileSync(join(root, LND, '_data/data/graph/mainnet/channel.db'), 'utf8')).toBe('CURRENT channel state');
    expect(readFileSync(join(root, LND, '_data/data/chain/bitcoin/mainnet/wallet.db'), 'utf8')).toBe('archived wallet');

    for (const volume of plan.empty) {
      const old = before.get(volume)!;
      const live = snapshot(join(root, volume, '_data'));
      expect(asObject(live), volume).toEqual({ '': old.get('')! });
      expect(asObject(snapshot(join(plan.keep, volume, '_data'))), volume).toEqual(asObject(old));
    }
    // Volumes the plan does not name are not touched.
    expect(asObject(snapshot(join(root, BITCOIN, '_data')))).toEqual(asObject(before.get(BITCOIN)!));
  });

  it('undo after the whole swap (and after the databases wrote to their new folders) brings every volume back exactly; twice is harmless', () => {
    const { root, plan } = fixture();
    const before = hostVolumes(root);
    expect(run(shell, swapScript(plan)).code).toBe(0);
    // The fresh databases start and write before something fails.
    writeFileSync(join(root, POSTGRES, '_data', 'PG_VERSION'), '15\n');
    // LND ran on the carried channel state: undo must keep that newest state, not an older one.
    writeFileSync(join(root, LND, '_data', 'data/graph/mainnet/channel.db'), 'state moved on after the swap');
    const channelDb = `${LND}/_data/data/graph/mainnet/channel.db`;
    before.set(channelDb, { ...before.get(channelDb)!, sha: createHash('sha256').update('state moved on after the swap').digest('hex') });

    const undo = undoScript(plan);
    const first = run(shell, undo);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout.split('\n').filter((l) => l.startsWith('put back')).sort()).toEqual([BTCPAY, LND, MARIADB, NBX, POSTGRES].map((v) => `put back ${v}`));
    expect(asObject(hostVolumes(root))).toEqual(asObject(before));

    const second = run(shell, undo);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe('');
    expect(asObject(hostVolumes(root))).toEqual(asObject(before));
  });

  it('undo before any swap does nothing', () => {
    const { root, plan } = fixture();
    const before = snapshot(root);
    const r = run(shell, undoScript(plan));
    expect(r.code).toBe(0);
    expect(asObject(snapshot(root))).toEqual(asObject(before));
  });

  it('undo after a swap stopped between any two of its statements brings every volume back exactly', () => {
    // Quoted names with newlines span lines, so not every line ends a statement. The root's
    // name has no newline, so the statement ends are the same lines in every fixture.
    const ends = statementEnds(swapScript(fixture().plan));
    rmSync(tmp!, { recursive: true, force: true });
    // One statement per line or block: far more stopping points than volumes.
    expect(ends.length).toBeGreaterThan(20);
    for (const end of ends) {
      const { root, plan } = fixture();
      const partialScript = swapScript(plan).split('\n').slice(0, end).join('\n');
      const last = partialScript.split('\n').pop();
      const before = hostVolumes(root);
      const partial = run(shell, partialScript);
      expect(partial.code, `${partial.stderr} after: ${last}`).toBe(0);
      const undo = run(shell, undoScript(plan));
      expect(undo.code, undo.stderr).toBe(0);
      expect(asObject(hostVolumes(root)), `stopped after: ${last}`).toEqual(asObject(before));
      expect(run(shell, undoScript(plan)).code).toBe(0);
      expect(asObject(hostVolumes(root))).toEqual(asObject(before));
      rmSync(tmp!, { recursive: true, force: true });
    }
  });

  it('a swap that fails on a missing upload stops there, and undo brings every volume back exactly', () => {
    const { root, plan } = fixture();
    rmSync(join(plan.incoming, LND), { recursive: true });
    const before = hostVolumes(root);
    const r = run(shell, swapScript(plan));
    expect(r.code).not.toBe(0);
    // It stopped at the lnd volume: nothing after it was touched.
    expect(readFileSync(join(root, NBX, '_data/Main/settings.config'), 'utf8')).toBe('nbx old');
    expect(readdirSync(join(root, POSTGRES, '_data'))).toContain('PG_VERSION');
    const undo = run(shell, undoScript(plan));
    expect(undo.code, undo.stderr).toBe(0);
    expect(asObject(hostVolumes(root))).toEqual(asObject(before));
  });

  it('an empty folder the archive has where the host keeps its own data gives way; a non-empty one stops the swap', () => {
    const { root, plan } = fixture();
    // The archive brings an empty data/graph (no channel state): the host's channel.db stays.
    mkdirSync(join(plan.incoming, LND, '_data/data/graph'), { recursive: true });
    const ok = run(shell, swapScript(plan));
    expect(ok.code, ok.stderr).toBe(0);
    expect(readdirSync(join(root, LND, '_data/data/graph')).length).toBeGreaterThan(0);
    rmSync(join(root, '..'), { recursive: true, force: true });

    const second = fixture();
    const before = hostVolumes(second.root);
    build(join(second.plan.incoming, LND, '_data/data/graph'), [['', dir(0o700, 1001)], ['channel.db', file('archived channel state', 0o600, 1001)]]);
    const refused = run(shell, swapScript(second.plan));
    expect(refused.code).not.toBe(0);
    const undo = run(shell, undoScript(second.plan));
    expect(undo.code, undo.stderr).toBe(0);
    expect(asObject(hostVolumes(second.root))).toEqual(asObject(before));
  });
});
