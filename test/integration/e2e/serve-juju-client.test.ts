/**
 * The juju-client scenario end to end, as an operator on a headless host does it: `lifeboat
 * serve` (the built CLI, the real engine) opened in Debian's Chromium. Through the window only:
 * add a juju-client target from its schema form, Back up now and follow the job to its end,
 * open the archive (manifest, tree, search, preview), extract a file to a typed folder, verify,
 * and restore after changing the folder on disk, confirming by the target's typed name. What
 * lands on disk is checked byte for byte. Screenshots: out/test-artifacts/e2e-juju-*.png.
 */
import { access, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LifeboatBridge } from '../../../src-main/shared/ipc-contract.js';
import { ARTIFACTS, closeServeTest, openServedPage, prepareServeTest, showView as showViewOf, startServe, type ServeProcess } from '../helpers/serve.js';
import { type PassphraseCliHome } from '../plugins/cli-home.js';
import { diffTrees, makeJujuClientDir, snapshotTree, type TreeEntry } from '../plugins/juju-client-fixture.js';

const PASSPHRASE = 'e2e juju client passphrase';
const TARGET = 'laptop';
/** Where the archive keeps the client folder: its place under $HOME. */
const ROOT = '.local/share/juju';
/** Long enough (seconds of gzip and OpenPGP) for the running job to be seen in the Jobs view. */
const BIG_FILE_BYTES = 96 * 1024 * 1024;
const JOB_TIMEOUT = { timeout: 180_000, interval: 200 };
/** What the window shows after a call to the server: generous, since other tests may load the machine. */
const UI = { timeout: 20_000 };

let root: string;
let env: PassphraseCliHome;
/** The Juju client folder the target backs up and the restore puts back. */
let jujuDir: string;
let original: Map<string, TreeEntry>;
let served: ServeProcess;
let browser: Browser;
let page: Page;
let problems: string[] = [];
/** The archive's full path in the store, as the finished backup job names it. */
let archiveFile: string;

const showView = (name: string): Promise<void> => showViewOf(page, name);
const shot = (step: string): Promise<Buffer> => page.screenshot({ path: join(ARTIFACTS, `e2e-juju-${step}.png`), fullPage: true });

/** The Finished list's item for the job titled `title` (newest first). */
const finishedJob = (title: string) =>
  page.getByRole('region', { name: 'Finished' }).getByRole('listitem').filter({ has: page.getByText(title, { exact: true }) }).first();

/** Waits in the Jobs view until the job titled `title` is finished, and answers its state badge. */
async function finishedState(title: string): Promise<string> {
  await showView('Jobs');
  const item = finishedJob(title);
  await expect.poll(() => item.count(), { ...JOB_TIMEOUT, message: `"${title}" never finished` }).toBe(1);
  return (await item.locator('.badge').first().innerText()).trim();
}

/** The finished job's full log, opened with its Show log button. */
async function logOf(title: string): Promise<string> {
  const item = finishedJob(title);
  await item.getByRole('button', { name: 'Show log' }).click();
  const log = item.getByLabel('Full log');
  await log.waitFor();
  return log.innerText();
}

/** Opens the archive made by the backup from the Archives list (closing whatever archive is open). */
async function openArchive(): Promise<void> {
  await showView('Archives');
  const back = page.getByRole('button', { name: 'Back to the list' });
  if ((await back.count()) > 0) await back.click();
  await page.getByRole('button', { name: `Open ${archiveFile.split('/').pop()}` }).click();
  await page.getByRole('heading', { level: 2, name: archiveFile.split('/').pop() }).waitFor();
}

beforeAll(async () => {
  ({ root, home: env } = await prepareServeTest('e2e-juju', PASSPHRASE));
  jujuDir = join(env.home, ROOT);
  await makeJujuClientDir(jujuDir, { smallFiles: 250, bigFileBytes: BIG_FILE_BYTES });
  original = await snapshotTree(jujuDir);

  served = await startServe(env, ['--passphrase-file', env.passFile]);
  ({ browser, page, problems } = await openServedPage(served.url));
});

afterAll(() => closeServeTest({ browser, served, root }));

describe('the juju-client scenario through lifeboat serve', () => {
  it('adds a juju-client target through the form generated from the plugin options', async () => {
    await showView('Targets');
    await expect.poll(() => page.getByText('No targets yet.').count(), UI).toBe(1);
    await page.getByRole('button', { name: 'Add target' }).click();
    const form = page.getByRole('form', { name: 'New target' });
    await form.getByLabel('Name').fill(TARGET);
    await form.getByLabel('What it is').selectOption('juju-client');
    // The plugin's schema gives these fields, with its help text.
    await expect.poll(() => form.getByLabel('exclude').count(), UI).toBe(1);
    expect(await form.getByLabel('to', { exact: true }).count()).toBe(1);
    await form.getByLabel('dir', { exact: true }).fill(jujuDir);
    expect(await form.innerText()).toContain('The Juju client directory to back up.');
    await shot('target-form');
    await form.getByRole('button', { name: 'Save' }).click();

    await expect.poll(() => form.count(), UI).toBe(0);
    const item = page.locator(`li[data-target="${TARGET}"]`);
    await expect.poll(() => item.count(), UI).toBe(1);
    expect(await item.innerText()).toContain('juju-client');
    expect(await item.innerText()).toContain('Never backed up.');
    // A target just saved is probed at once: the folder is there, and where it was found is said.
    const probe = item.locator('.target__probe');
    await expect.poll(() => probe.innerText(), UI).toContain(jujuDir);
    expect(await probe.innerText()).toMatch(/^running — /);
    await shot('targets');
  });

  it('backs up now and shows the job progress until it succeeds', async () => {
    // Every rendering of the job's progress bar is recorded in the page, however fast it goes.
    await page.evaluate((title) => {
      const seen: { value: string | null; percent: string }[] = [];
      (window as unknown as { progressSeen: typeof seen }).progressSeen = seen;
      const record = (): void => {
        const bar = document.querySelector(`progress[aria-label="Progress of ${title}"]`);
        if (bar) seen.push({ value: bar.getAttribute('value'), percent: bar.parentElement?.textContent?.trim() ?? '' });
      };
      new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    }, `Back up ${TARGET}`);

    await page.locator(`li[data-target="${TARGET}"]`).getByRole('button', { name: 'Back up now' }).click();
    // Back up now brings the Jobs view forward with the running job.
    const running = page.getByRole('region', { name: 'Running and queued' });
    const bar = running.getByRole('progressbar', { name: `Progress of Back up ${TARGET}` });
    await bar.waitFor({ timeout: 60_000 });
    await shot('job-running');

    expect(await finishedState(`Back up ${TARGET}`)).toBe('succeeded');
    const item = finishedJob(`Back up ${TARGET}`);
    const archiveName = (await item.locator('[title$=".tar.gz.gpg"]').getAttribute('title')) ?? '';
    expect(archiveName).toMatch(new RegExp(`/${TARGET}-\\d{8}-\\d{6}\\.tar\\.gz\\.gpg$`));
    archiveFile = archiveName;
    expect(await readdir(env.store)).toContain(archiveFile.split('/').pop());
    await shot('job-succeeded');

    const seen = await page.evaluate(() => (window as unknown as { progressSeen: { value: string | null; percent: string }[] }).progressSeen);
    const percents = seen.map((s) => (s.value === null ? undefined : Number(s.value))).filter((p): p is number => p !== undefined);
    expect(percents.length, JSON.stringify(seen)).toBeGreaterThan(0);
    // Progress only moves forward, and the bar said how far in %.
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(seen.some((s) => /\d+ %/.test(s.percent))).toBe(true);

    expect(await logOf(`Back up ${TARGET}`)).toContain(`Backing up ${jujuDir}`);
    // The target now tells when it was last backed up.
    await showView('Targets');
    await expect.poll(() => page.locator(`li[data-target="${TARGET}"]`).innerText(), UI).toMatch(/Last backup/);
  });

  it('opens the archive: manifest and file tree, folders open lazily', async () => {
    await openArchive();
    const manifest = page.locator('dl.manifest');
    await manifest.waitFor();
    const text = await manifest.innerText();
    expect(text).toContain(TARGET);
    expect(text).toMatch(/juju-client \d+\.\d+\.\d+/);
    const files = [...original.values()].filter((e) => e.type === 'file').length;
    expect(text).toContain(`${files} files`);
    expect(text).toContain(jujuDir);

    const tree = page.getByRole('tree', { name: 'Files in the archive' });
    await tree.getByRole('button', { name: '.local/' }).click();
    await tree.getByRole('button', { name: 'share/' }).click();
    await tree.getByRole('button', { name: 'juju/' }).click();
    await expect.poll(() => tree.getByRole('button', { name: 'controllers.yaml', exact: true }).count(), UI).toBe(1);
    // Folders open when asked: ssh/ is listed closed, its files read when it opens. (The
    // innermost item holding the ssh/ button is the last: its ancestors hold it too.)
    const ssh = tree.getByRole('treeitem').filter({ has: page.getByRole('button', { name: 'ssh/' }) }).last();
    expect(await ssh.getAttribute('aria-expanded')).toBe('false');
    expect(await tree.getByRole('button', { name: 'juju_id_rsa.pub' }).count()).toBe(0);
    await tree.getByRole('button', { name: 'ssh/' }).click();
    await expect.poll(() => ssh.getAttribute('aria-expanded'), UI).toBe('true');
    await expect.poll(() => tree.getByRole('button', { name: 'juju_id_rsa.pub', exact: true }).count(), UI).toBe(1);
    await shot('archive-tree');
  });

  it('searches the tree and previews a text file', async () => {
    await page.getByRole('searchbox', { name: 'Search the files' }).fill('juju_id_rsa');
    await page.getByRole('searchbox', { name: 'Search the files' }).press('Enter');
    const tree = page.getByRole('tree', { name: 'Files in the archive' });
    await expect.poll(() => page.getByText('2 matches').count(), UI).toBe(1);
    expect(await tree.getByRole('treeitem').count()).toBe(2);
    const texts = await tree.getByRole('treeitem').allInnerTexts();
    expect(texts.some((t) => t.includes(`${ROOT}/ssh/juju_id_rsa.pub`))).toBe(true);

    await tree.getByRole('button', { name: `${ROOT}/ssh/juju_id_rsa`, exact: true }).click();
    const content = page.getByLabel('File content');
    await content.waitFor();
    expect(await content.innerText()).toBe(await readFile(join(jujuDir, 'ssh', 'juju_id_rsa'), 'utf8'));
    await shot('search-preview');
  });

  it('extracts a chosen file to a typed folder, byte for byte', async () => {
    const entry = `${ROOT}/ssh/juju_id_rsa`;
    await page.getByRole('checkbox', { name: `Select ${entry}`, exact: true }).check();
    const extract = page.getByRole('region', { name: 'Extract' });
    await expect.poll(() => extract.innerText(), UI).toContain('1 selected');
    const destination = join(root, 'extracted');
    await extract.getByLabel('To the folder').fill(destination);
    await shot('extract-form');
    await extract.getByRole('button', { name: 'Extract' }).click();
    await expect.poll(() => extract.getByRole('status').allInnerTexts(), UI).toEqual(['Extract started: follow it in Jobs.']);

    // The finished job says where the files went.
    expect(await finishedState(`Extract ${entry} from ${archiveFile.split('/').pop()} to ${destination}`)).toBe('succeeded');
    const extracted = await readFile(join(destination, entry));
    expect(extracted.equals(await readFile(join(jujuDir, 'ssh', 'juju_id_rsa')))).toBe(true);
    // Only what was chosen is extracted.
    expect(await readdir(join(destination, ROOT))).toEqual(['ssh']);
    expect(await readdir(join(destination, ROOT, 'ssh'))).toEqual(['juju_id_rsa']);
    await shot('extract-done');
  });

  it('verifies the archive and shows the result', async () => {
    await openArchive();
    const verify = page.getByRole('region', { name: 'Verify' });
    expect(await verify.innerText()).toContain('Not verified yet.');
    await verify.getByRole('button', { name: 'Verify' }).click();
    await expect.poll(() => verify.getByRole('status').allInnerTexts(), UI).toContain('Verification started: follow it in Jobs.');

    const title = `Verify ${archiveFile.split('/').pop()}`;
    expect(await finishedState(title)).toBe('succeeded');
    await shot('verify-job');
    // Back in the archive, the Verify form shows the result.
    await showView('Archives');
    // Every entry the manifest counts was checked.
    const entries = /(\d+) entries/.exec(await page.locator('dl.manifest').innerText())?.[1];
    expect(entries).toBeDefined();
    const result = verify.getByRole('status', { name: 'Last verification' });
    await expect.poll(() => result.count(), UI).toBe(1);
    expect(await result.innerText()).toMatch(/^Verified OK just now: /);
    expect(await result.innerText()).toContain(`${entries} entries`);
    await shot('verify-result');
    // The list says when it was last verified, and that it was fine.
    await showView('Archives');
    await page.getByRole('button', { name: 'Back to the list' }).click();
    const row = page.getByRole('row').filter({ hasText: archiveFile.split('/').pop() });
    await expect.poll(() => row.innerText(), UI).toMatch(/OK/);
    await shot('verified');
  });

  it('restores only after the dry-run plan and the typed target name; the folder is back as it was', async () => {
    // The folder changes after the backup: a file edited, one deleted, one added.
    await writeFile(join(jujuDir, 'controllers.yaml'), 'controllers: {}\n');
    await rm(join(jujuDir, 'accounts.yaml'));
    await writeFile(join(jujuDir, 'stray.txt'), 'not in the backup\n');
    expect(diffTrees(original, await snapshotTree(jujuDir))).not.toEqual([]);

    await openArchive();
    const restore = page.getByRole('region', { name: 'Restore' });
    // The archive's own target is offered, and its plan shown before anything can happen.
    await expect.poll(() => restore.getByLabel('Onto the target').inputValue(), UI).toBe(TARGET);
    const plan = restore.getByRole('heading', { name: 'What the restore will do' });
    await plan.waitFor({ timeout: 60_000 });
    const planText = await restore.innerText();
    expect(planText).toContain(jujuDir);
    const button = restore.getByRole('button', { name: `Restore onto ${TARGET}` });
    expect(await button.isDisabled()).toBe(true);

    // A wrong name keeps the button disabled, and main refuses it too.
    await restore.getByLabel(`Type ${TARGET} to confirm`).fill(TARGET.toUpperCase());
    expect(await button.isDisabled()).toBe(true);
    expect(await restore.innerText()).toContain(`That is not "${TARGET}"`);
    await shot('restore-wrong-name');
    const refused = await page.evaluate(
      ([archivePath, target]) =>
        (window as unknown as { lifeboat: LifeboatBridge }).lifeboat.jobsRestore({ archivePath, target, confirmTargetName: target.toUpperCase() }),
      [archiveFile, TARGET] as const,
    );
    expect(refused).toMatchObject({ ok: false, error: { code: 'declined' } });
    expect(await readdir(jujuDir)).toContain('stray.txt');

    await restore.getByLabel(`Type ${TARGET} to confirm`).fill(TARGET);
    expect(await button.isDisabled()).toBe(false);
    await shot('restore-plan');
    await button.click();
    await expect.poll(() => restore.getByRole('status').allInnerTexts(), UI).toEqual(['Restore started: follow it in Jobs.']);

    // The plugin asks before moving the current folder aside.
    const dialog = page.getByRole('alertdialog');
    await dialog.waitFor({ timeout: 60_000 });
    expect(await dialog.innerText()).toContain(`Replace ${jujuDir}`);
    // The dialog is fixed to the window: a shot of the window, not the whole page.
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-juju-restore-question.png') });
    await dialog.getByRole('button', { name: 'Yes' }).click();

    expect(await finishedState(`Restore ${TARGET}`)).toBe('succeeded');
    await shot('restore-done');
    expect(diffTrees(original, await snapshotTree(jujuDir))).toEqual([]);
    // The folder as it was before the restore is kept aside, never deleted.
    const aside = (await readdir(dirname(jujuDir))).filter((n) => n.startsWith('juju.lifeboat-'));
    expect(aside).toHaveLength(1);
    await access(join(dirname(jujuDir), aside[0]!, 'stray.txt'));
    expect(await readFile(join(dirname(jujuDir), aside[0]!, 'controllers.yaml'), 'utf8')).toBe('controllers: {}\n');
  });

  it('showed no console errors or page errors', () => {
    expect(problems).toEqual([]);
  });

  it('stops on Ctrl-C with exit 0', async () => {
    expect(await served.stop()).toBe(0);
  });
});
