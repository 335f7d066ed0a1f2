// `node bench/transfer.mjs`: Lifeboat's SSH transfers against OpenSSH's own tools, side by
// side in one run over loopback to a real sshd (the test rig, test/env/sshd.mjs; run as root).
// The same 500 MB file (`--mb N` to change) is moved by each contender into a local file;
// each is run twice and the faster run counts. Prints a Markdown table of MB/s and the ratio
// to the OpenSSH tool doing the same job. Target: Lifeboat >= 0.8x OpenSSH. Not part of `npm test`.
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { startSshRig } from '../test/env/sshd.mjs';

const PROJECT = fileURLToPath(new URL('..', import.meta.url));
const MB = 1_000_000;
const sizeArg = process.argv.indexOf('--mb');
const sizeMb = sizeArg !== -1 ? Number(process.argv[sizeArg + 1]) : 500;

/** The transport, bundled from source where Node finds ssh2 (under node_modules). */
async function loadTransport() {
  const outfile = join(PROJECT, 'node_modules', '.cache', 'lifeboat-bench', 'ssh.mjs');
  await build({
    entryPoints: [join(PROJECT, 'src-main/transport/ssh/index.ts')],
    bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile, logLevel: 'warning',
  });
  return import(outfile);
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
}

async function best(times, fn) {
  let fastest = Infinity;
  for (let i = 0; i < times; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    fastest = Math.min(fastest, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return fastest;
}

const rig = await startSshRig();
const work = mkdtempSync(join(tmpdir(), 'lifeboat-bench-transfer-'));
try {
  const { connectSsh } = await loadTransport();
  const knownHosts = join(work, 'known_hosts');
  writeFileSync(knownHosts, rig.knownHostsText());
  const remoteDir = `${rig.dataDir}/bench`;
  const remoteFile = `${remoteDir}/data.bin`;
  const sshOpts = ['-i', rig.userKeyPath, '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes'];
  const login = `${rig.user}@${rig.host}`;
  const ssh = await connectSsh(
    { host: rig.host, port: rig.port, user: rig.user, identityFile: rig.userKeyPath },
    { confirm: async () => false, knownHostsFiles: [knownHosts], lifeboatKnownHosts: join(work, 'lb_known_hosts'), sshConfigFile: join(work, 'none'), env: {} },
  );
  console.log(`bench: making ${sizeMb} MB of random data on the target`);
  await ssh.exec(`mkdir -p ${remoteDir} && head -c ${sizeMb * MB} /dev/urandom > ${remoteFile}`);
  const bytes = sizeMb * MB;
  const local = join(work, 'out.bin');
  const localTar = join(work, 'out.tar');
  const upDir = join(work, 'up');
  mkdirSync(upDir);

  const rows = [];
  const add = (job, tool, seconds, ref) => rows.push({ job, tool, seconds, ref });

  const lbDown = await best(2, () => pipeline(ssh.download(remoteFile), createWriteStream(local)));
  if (statSync(local).size !== bytes) throw new Error('Lifeboat download: wrong size');
  const scpDown = await best(2, () => run('scp', ['-q', '-P', String(rig.port), ...sshOpts, `${login}:${remoteFile}`, local]));
  const sftpDown = await best(2, () => run('sftp', ['-q', '-P', String(rig.port), ...sshOpts, `${login}:${remoteFile}`, local]));
  add('download', 'Lifeboat SFTP (ssh2)', lbDown, Math.min(scpDown, sftpDown));
  add('download', 'OpenSSH scp', scpDown);
  add('download', 'OpenSSH sftp', sftpDown);

  const lbTar = await best(2, () => pipeline(ssh.tarCreate(remoteDir), createWriteStream(localTar)));
  const sshTar = await best(2, () => run('sh', ['-c', `ssh -p ${rig.port} ${sshOpts.join(' ')} ${login} 'tar -C ${remoteDir} -cf - .' > ${localTar}`]));
  add('remote tar -c', 'Lifeboat tarCreate', lbTar, sshTar);
  add('remote tar -c', "OpenSSH ssh 'tar -c'", sshTar);

  const lbUp = await best(2, () => ssh.upload(`${remoteDir}/up.bin`, createReadStream(local)));
  const scpUp = await best(2, () => run('scp', ['-q', '-P', String(rig.port), ...sshOpts, local, `${login}:${remoteDir}/up2.bin`]));
  add('upload', 'Lifeboat SFTP (ssh2)', lbUp, scpUp);
  add('upload', 'OpenSSH scp', scpUp);
  await ssh.close();

  console.log(`\n${sizeMb} MB over loopback to OpenSSH sshd, best of 2 runs; ratio = Lifeboat MB/s / OpenSSH MB/s (target >= 0.8)\n`);
  console.log('| job | tool | MB/s | ratio |');
  console.log('|---|---|---:|---:|');
  for (const r of rows) {
    const rate = bytes / MB / r.seconds;
    const ratio = r.ref !== undefined ? `${(r.ref / r.seconds).toFixed(2)}x` : '';
    console.log(`| ${r.job} | ${r.tool} | ${rate.toFixed(1)} | ${ratio} |`);
  }
} finally {
  await rig.stop();
  rmSync(work, { recursive: true, force: true });
}
