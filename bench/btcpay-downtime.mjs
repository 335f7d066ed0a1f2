// `node bench/btcpay-downtime.mjs [--scale N]` (as root): how long a BTCPay Server stack is
// down during a backup, Lifeboat's `btcpay` plugin against BTCPay's own approach, side by side
// in one run on one stand-in stack (test/env/docker/btcpay-stack.ts on the private test
// engine; dataScale 140, the default, makes about 1 GiB of volumes). Downtime is from the
// first container stopped to the last one started. Issue 4's goal: Lifeboat's downtime at
// most half of BTCPay's (stop, `tar -cz` of the volumes, start). Each contender runs twice,
// alternating, and the better run counts. Prints a Markdown table. Not part of `npm test`.
//
// NOTE: starting the test Docker rig removes everything labelled lifeboat-test on it, so do not
// run this while the integration tests run.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const PROJECT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(PROJECT, 'bin', 'lifeboat.js');
const BACKUP_SH = join(PROJECT, 'test', 'fixtures', 'btcpay', 'btcpay-backup.sh');
const STACK_PROJECT = 'lbbench';
const PASSPHRASE = 'bench passphrase, not a secret';
const MB = 1_000_000;

function parseArgs(argv) {
  const args = { scale: 140 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--scale') args.scale = Number(argv[++i]);
    else if (a === '--help' || a === '-h') {
      console.log('usage: node bench/btcpay-downtime.mjs [--scale N]   (run as root; N=140 ≈ 1 GiB of volumes)');
      process.exit(0);
    } else {
      console.error(`bench: unknown argument ${a}`);
      process.exit(2);
    }
  }
  if (!(args.scale > 0 && Number.isFinite(args.scale))) {
    console.error('bench: --scale takes a positive number');
    process.exit(2);
  }
  return args;
}

/** The test rig and the stand-in stack are TypeScript: bundled once where Node finds dockerode. */
async function loadTestEnv() {
  const outfile = join(PROJECT, 'node_modules', '.cache', 'lifeboat-bench', 'btcpay-env.mjs');
  await build({
    stdin: {
      contents: "export { startDockerRig } from './test/env/dockerd.ts';\nexport { createBtcpayStack } from './test/env/docker/btcpay-stack.ts';\n",
      resolveDir: PROJECT,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile,
    logLevel: 'warning',
  });
  return import(outfile);
}

/**
 * Runs a command, stamping each piece of its output with the seconds since it started, so
 * that the moments a script announces ("Stopping …", "Backup done") can be read afterwards.
 * bash's printf/echo write at once (no buffering), so a stamp is within milliseconds of the step.
 */
/** The contender running now, told to stop when the bench is interrupted. */
const running = new Set();

function runStamped(cmd, args, env) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const at = () => Number(process.hrtime.bigint() - t0) / 1e9;
    const child = spawn(cmd, args, { cwd: PROJECT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    child.on('exit', () => running.delete(child));
    const out = { stdout: [], stderr: [] };
    for (const name of ['stdout', 'stderr']) {
      child[name].setEncoding('utf8').on('data', (text) => out[name].push({ t: at(), text }));
    }
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = at();
      const text = (name) => out[name].map((c) => c.text).join('');
      resolve({ code, seconds, chunks: out, stdout: text('stdout'), stderr: text('stderr') });
    });
  });
}

/** The stamp of the first stdout piece at or after which `needle` has appeared. */
function stampOf(run, needle) {
  let seen = '';
  for (const c of run.chunks.stdout) {
    seen += c.text;
    if (seen.includes(needle)) return c.t;
  }
  throw new Error(`bench: the output never said "${needle}":\n${run.stdout.slice(-2000)}`);
}

function fail(what, run) {
  return new Error(`bench: ${what} exited ${run.code}\n${run.stdout.slice(-3000)}\n${run.stderr.slice(-3000)}`);
}

/**
 * BTCPay's approach: the stand-in of its btcpay-backup.sh, run as is. It prints
 * "Stopping <name> ... " right before the first `docker stop` and "Backup done" right after
 * the last `docker start`, so downtime = the gap between those two stamps.
 */
async function btcpayRun(ctx, { encrypt }) {
  const backupDir = join(ctx.work, 'btcpay-out');
  rmSync(backupDir, { recursive: true, force: true });
  const env = {
    PATH: process.env.PATH,
    HOME: ctx.home,
    GNUPGHOME: ctx.gnupg,
    LANG: 'C.UTF-8',
    DOCKER_HOST: `unix://${ctx.rig.socketPath}`,
    BTCPAY_PROJECT: STACK_PROJECT,
    DOCKER_ROOT: ctx.stack.dockerRoot,
    BACKUP_DIR: backupDir,
    ...(encrypt ? { BTCPAY_BACKUP_PASSPHRASE: PASSPHRASE } : {}),
  };
  const run = await runStamped('bash', [BACKUP_SH], env);
  if (run.code !== 0) throw fail('btcpay-backup.sh', run);
  const archive = join(backupDir, encrypt ? 'backup.tar.gz.gpg' : 'backup.tar.gz');
  const at = (needle) => stampOf(run, needle);
  const result = {
    downtime: at('Backup done') - at('Stopping '),
    wall: run.seconds,
    archiveBytes: statSync(archive).size,
    steps: {
      stop: at('Archiving files') - at('Stopping '),
      archive: at('Archive done.') - at('Archiving files'),
      encrypt: at('Restarting BTCPay Server') - at('Archive done.'),
      start: at('Backup done') - at('Restarting BTCPay Server'),
    },
  };
  if (!encrypt && ctx.sizes === undefined) ctx.sizes = archivedSizes(archive);
  rmSync(backupDir, { recursive: true, force: true });
  await ctx.requireRunning('btcpay-backup.sh');
  return result;
}

/** What BTCPay's archive holds: bytes of volume files, and the gzipped dump's size. */
function archivedSizes(archive) {
  const r = spawnSync('tar', ['-tvzf', archive], { encoding: 'utf8', maxBuffer: 256 * MB });
  if (r.status !== 0) throw new Error(`bench: tar -tvzf ${archive}: ${r.stderr}`);
  let volumes = 0;
  let files = 0;
  let dump = 0;
  for (const line of r.stdout.split('\n')) {
    // -rw-r--r-- root/root 1234 2026-11-22 02:50 path
    const m = /^(\S)\S*\s+\S+\s+(\d+)\s+\S+\s+\S+\s+(.*)$/.exec(line);
    if (!m) continue;
    const size = Number(m[2]);
    if (m[3] === 'postgres.sql.gz') dump = size;
    else if (m[1] === '-') {
      volumes += size;
      files++;
    }
  }
  return { volumes, files, dump };
}

/** Lifeboat: the real CLI, `backup btcpay --json`, in its own home; downtime from its result. */
async function lifeboatRun(ctx) {
  const run = await runStamped(process.execPath, [BIN, 'backup', 'btcpay', '--json', '--passphrase-file', ctx.passFile], ctx.lifeboatEnv);
  if (run.code !== 0) throw fail('lifeboat backup btcpay', run);
  let out;
  try {
    out = JSON.parse(run.stdout);
  } catch {
    throw fail('lifeboat backup btcpay (no JSON on stdout)', run);
  }
  const archive = typeof out.archive === 'string' ? out.archive : out.archive?.path;
  const downtime = out.result?.downtimeSeconds;
  if (typeof downtime !== 'number' || !archive) throw new Error(`bench: no downtimeSeconds or archive in Lifeboat's JSON: ${run.stdout.slice(0, 2000)}`);
  const result = { downtime, wall: run.seconds, archiveBytes: statSync(archive).size, phases: phasesOf(run), dumps: out.result?.dumps };
  rmSync(ctx.lifeboatEnv.LIFEBOAT_STORE, { recursive: true, force: true });
  mkdirSync(ctx.lifeboatEnv.LIFEBOAT_STORE, { recursive: true });
  await ctx.requireRunning('lifeboat backup');
  return result;
}

/**
 * The CLI prints a plain progress line on stderr at each phase change (not a TTY); the stamp
 * of each new phase's first line gives how long the one before it took.
 */
function phasesOf(run) {
  const phases = [];
  let rest = '';
  let last = '';
  for (const c of run.chunks.stderr) {
    rest += c.text;
    const lines = rest.split('\n');
    rest = lines.pop();
    for (const line of lines) {
      const phase = PHASES.find((p) => line.includes(p));
      if (phase !== undefined && phase !== last) {
        phases.push({ phase, t: c.t });
        last = phase;
      }
    }
  }
  return phases.map((p, i) => ({ ...p, seconds: (phases[i + 1]?.t ?? run.seconds) - p.t }));
}

/** The phases backup-stack.ts reports, in order. */
const PHASES = [
  'finding BTCPay Server',
  'checking free space on the host',
  'stopping BTCPay Server',
  'dumping the databases and copying the volumes on the host',
  'starting BTCPay Server',
  'compressing the database dumps',
  'archiving the volumes',
];

function best(runs) {
  return runs.reduce((a, b) => (b.downtime < a.downtime ? b : a));
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (process.getuid?.() !== 0) {
    console.error('bench: run as root (the test Docker engine and BTCPay\'s backup script need it).');
    process.exit(1);
  }
  if (!existsSync(join(PROJECT, 'plugins', 'btcpay', 'dist', 'index.js')) || !existsSync(join(PROJECT, 'out', 'cli', 'main.js'))) {
    console.error('bench: Lifeboat is not built (plugins/btcpay/dist/index.js or out/cli/main.js is missing). Run `npm run build` first.');
    process.exit(1);
  }
  const { startDockerRig, createBtcpayStack } = await loadTestEnv();
  const work = mkdtempSync(join(tmpdir(), 'lifeboat-bench-btcpay-'));
  let stack;
  let interrupted = false;
  // Ctrl-C: the contender running now stops (Lifeboat cancels and starts the stack again),
  // the run below then fails, and its `finally` removes the stack and the temp folder.
  process.on('SIGINT', () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.error('bench: interrupted; stopping the running backup, then removing the stand-in stack (Ctrl-C again to leave it)');
    for (const child of running) child.kill('SIGINT');
  });
  try {
    const rig = await startDockerRig();
    if (interrupted) throw new Error('interrupted');
    process.stderr.write(`bench: making the stand-in stack "${STACK_PROJECT}" at dataScale ${args.scale}...\n`);
    stack = await createBtcpayStack(rig.docker, { project: STACK_PROJECT, dataScale: args.scale });
    if (interrupted) throw new Error('interrupted');
    await measure(args, { rig, stack, work, interrupted: () => interrupted });
  } catch (e) {
    if (!interrupted) throw e;
    process.exitCode = 130;
  } finally {
    await stack?.remove().catch((e) => console.error(`bench: could not remove the stand-in stack ${STACK_PROJECT}: ${e.message}`));
    spawnSync('gpgconf', ['--homedir', join(work, 'gnupg'), '--kill', 'gpg-agent'], { stdio: 'ignore' });
    rmSync(work, { recursive: true, force: true });
  }
}

async function measure(args, { rig, stack, work, interrupted }) {
  const dir = (name) => {
    const d = join(work, name);
    mkdirSync(d, { recursive: true, mode: 0o700 });
    return d;
  };
  const passFile = join(work, 'passphrase.txt');
  writeFileSync(passFile, PASSPHRASE + '\n', { mode: 0o600 });
  const configHome = dir('xdg-config');
  mkdirSync(join(configHome, 'lifeboat'));
  writeFileSync(join(configHome, 'lifeboat', 'config.yaml'), `targets:\n  btcpay:\n    plugin: btcpay\n    options:\n      project: ${STACK_PROJECT}\n`);
  const ctx = {
    rig,
    stack,
    work,
    passFile,
    home: dir('home'),
    gnupg: dir('gnupg'),
    sizes: undefined,
    lifeboatEnv: {
      PATH: process.env.PATH,
      HOME: join(work, 'home'),
      XDG_DATA_HOME: dir('xdg-data'),
      XDG_CONFIG_HOME: configHome,
      LIFEBOAT_STORE: dir('store'),
      LANG: 'C.UTF-8',
      NO_COLOR: '1',
      DOCKER_HOST: `unix://${rig.socketPath}`,
    },
    // A contender that left the stack down would spoil the next one's figures (and is a bug).
    requireRunning: async (who) => {
      const up = await stack.running();
      if (up.length !== stack.containers.length) throw new Error(`bench: after ${who}, only ${up.join(', ') || 'none'} of ${stack.containers.join(', ')} run.`);
    },
  };

  const runs = { btcpay: [], btcpayGpg: [], lifeboat: [] };
  for (let round = 1; round <= 2; round++) {
    if (interrupted()) throw new Error('interrupted');
    process.stderr.write(`bench: round ${round}: btcpay-backup.sh (no passphrase)...\n`);
    runs.btcpay.push(await btcpayRun(ctx, { encrypt: false }));
    process.stderr.write(`bench: round ${round}: lifeboat backup btcpay...\n`);
    runs.lifeboat.push(await lifeboatRun(ctx));
    process.stderr.write(`bench: round ${round}: btcpay-backup.sh (BTCPAY_BACKUP_PASSPHRASE set)...\n`);
    runs.btcpayGpg.push(await btcpayRun(ctx, { encrypt: true }));
  }
  const bt = best(runs.btcpay);
  const btg = best(runs.btcpayGpg);
  const lb = best(runs.lifeboat);
  const sizes = ctx.sizes;
  const volumesOnDisk = Number(spawnSync('du', ['-sb', '--apparent-size', ...stack.volumes.map((v) => join(stack.dockerRoot, 'volumes', v, '_data'))], { encoding: 'utf8' })
    .stdout.split('\n').filter(Boolean).reduce((sum, l) => sum + Number(l.split('\t')[0]), 0));

  const row = (name, r) => `| ${name} | ${r.downtime.toFixed(1)} | ${r.wall.toFixed(1)} | ${(r.archiveBytes / MB).toFixed(0)} |`;
  console.log(`\n### BTCPay Server backup downtime: stand-in stack at dataScale ${args.scale}, ${machine()}\n`);
  console.log(`Volumes on disk ${(volumesOnDisk / MB).toFixed(0)} MB (chain data, Postgres data and other excludes included); archived: ${(sizes.volumes / MB).toFixed(0)} MB in ${sizes.files} volume files, plus the Postgres dump (postgres.sql.gz, ${(sizes.dump / MB).toFixed(1)} MB gzipped${dumpSql(lb)}).\n`);
  console.log('| approach | downtime s | total wall s | archive MB |');
  console.log('|---|---:|---:|---:|');
  console.log(row("BTCPay's btcpay-backup.sh (stand-in): stop, `tar -cz`, start", bt));
  console.log(row('same with BTCPAY_BACKUP_PASSPHRASE (`gpg -c` before the start)', btg));
  console.log(row('`lifeboat backup btcpay` (encrypted)', lb));
  const ratio = lb.downtime / bt.downtime;
  console.log(`\nLifeboat downtime = ${ratio.toFixed(3)} × BTCPay's (goal ≤ 0.5×): ${ratio <= 0.5 ? 'met' : '**not met**'}.`);
  console.log(`\nBest of 2 runs each, run alternately. BTCPay: its stand-in script run as is; downtime from its "Stopping <first container>" line to its "Backup done" line (printed right after the last \`docker start\`), stamped as the output arrives; its Postgres dump is taken before the stop, outside the downtime. Lifeboat: \`result.downtimeSeconds\` of \`lifeboat backup btcpay --json\` (first container stopped to last started; the dump is taken inside it, after the writers stopped). Total wall is the whole command.`);
  printSteps(bt, btg, lb);
}

/**
 * Where each downtime goes. BTCPay's steps come from its output's stamps. Lifeboat's come from
 * the CLI's phase lines (±0.1 s: progress reaches the CLI throttled); its start step is the
 * downtime left after the others, because the CLI's "starting" phase also covers the check
 * that everything runs again, after the downtime's end.
 */
function printSteps(bt, btg, lb) {
  const phase = (name) => lb.phases.find((p) => p.phase === name)?.seconds ?? 0;
  const lbSteps = {
    stop: phase('stopping BTCPay Server'),
    copy: phase('dumping the databases and copying the volumes on the host'),
  };
  lbSteps.start = lb.downtime - lbSteps.stop - lbSteps.copy;
  const f = (x) => (x === undefined ? '–' : x.toFixed(2));
  console.log('\nWhere the downtime goes (best runs), seconds:\n');
  console.log('| step | BTCPay | BTCPay + passphrase | Lifeboat |');
  console.log('|---|---:|---:|---:|');
  console.log(`| stop the containers | ${f(bt.steps.stop)} | ${f(btg.steps.stop)} | ${f(lbSteps.stop)} (the writers) |`);
  console.log(`| dump Postgres | – (before the stop) | – (before the stop) | side by side with the copy, raw into the encrypted spool |`);
  console.log(`| archive the volumes | ${f(bt.steps.archive)} (${md('`tar -cz`')}) | ${f(btg.steps.archive)} (${md('`tar -cz`')}) | ${f(lbSteps.copy)} (dump and raw ${md('`tar | tar`')} copy on the host) |`);
  console.log(`| encrypt | ${f(bt.steps.encrypt)} | ${f(btg.steps.encrypt)} (${md('`gpg -c`')}) | – (after the start) |`);
  console.log(`| start the containers | ${f(bt.steps.start)} | ${f(btg.steps.start)} | ${f(lbSteps.start)} |`);
  console.log(`| **downtime** | ${f(bt.downtime)} | ${f(btg.downtime)} | ${f(lb.downtime)} |`);
  console.log('\nLifeboat phases (best run), from the CLI\'s progress lines on stderr:\n');
  console.log('| phase | s |\n|---|---:|');
  for (const p of lb.phases) console.log(`| ${p.phase} | ${p.seconds.toFixed(2)} |`);
}

/** Escapes `|` for a Markdown table cell. */
function md(text) {
  return text.replace(/\|/g, '\\|');
}

function dumpSql(lb) {
  const sql = Array.isArray(lb.dumps) ? lb.dumps.reduce((s, d) => s + (d.sqlBytes ?? 0), 0) : 0;
  return sql > 0 ? `, ${(sql / MB).toFixed(1)} MB of SQL` : '';
}

function machine() {
  const cpus = spawnSync('nproc', { encoding: 'utf8' }).stdout.trim();
  return `${cpus} CPUs, Node ${process.version}`;
}

await main();
